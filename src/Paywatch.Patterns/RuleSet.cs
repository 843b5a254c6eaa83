namespace Paywatch.Patterns;

/// <summary>
/// Named event patterns compiled together, once, for matching many events: EventBridge's rules on one bus.
/// Immutable and thread-safe; each thread matches through its own <see cref="RuleMatcher"/>.
/// </summary>
/// <remarks>
/// <para>Compilation shares work between rules. Each distinct test of a value (path and operator) is one
/// predicate, indexed per path by kind (<see cref="FieldIndex"/>); each distinct field condition is tested once
/// per event; each pattern branch counts its satisfied conditions. A value costs hash lookups and binary
/// searches, so matching grows with the number of rules a value satisfies, not with the number of rules.
/// Only wildcard and anything-but predicates are tested one by one.</para>
/// <para>Array consistency (EventBridge matches fields inside one array element only together) is checked
/// only for the branches that otherwise match and only when the event's matching values are inside arrays.</para>
/// </remarks>
public sealed class RuleSet
{
    private RuleSet(IReadOnlyList<string> names, IReadOnlyList<EventPattern> patterns)
    {
        RuleNames = names;

        var predicateIds = new Dictionary<(string Path, string Key), int>();
        var predicatesByPath = new Dictionary<string, List<(ValueMatcher Matcher, int Id)>>(StringComparer.Ordinal);
        var conditionIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var conditions = new List<CompiledCondition>();
        var conditionsOfPredicate = new List<List<int>>();
        var branches = new List<CompiledBranch>();
        var branchesOfCondition = new List<List<int>>();

        for (var rule = 0; rule < patterns.Count; rule++)
        {
            foreach (var branch in patterns[rule].Branches)
            {
                var branchId = branches.Count;
                var branchConditions = new List<int>();
                foreach (var condition in branch.Conditions)
                {
                    if (!conditionIds.TryGetValue(condition.Key, out var conditionId))
                    {
                        conditionId = conditions.Count;
                        conditionIds.Add(condition.Key, conditionId);
                        var path = predicatesByPath.TryGetValue(condition.Path, out var list) ? list : predicatesByPath[condition.Path] = [];
                        conditions.Add(new CompiledCondition(conditionId, condition.Path, condition.AllowsAbsence, condition.Matchers));
                        branchesOfCondition.Add([]);
                        foreach (var matcher in condition.Matchers)
                        {
                            if (matcher is ExistsMatcher { Exists: false })
                            {
                                continue; // decided by absence, after the event is read
                            }

                            if (!predicateIds.TryGetValue((condition.Path, matcher.Key), out var predicate))
                            {
                                predicate = conditionsOfPredicate.Count;
                                predicateIds.Add((condition.Path, matcher.Key), predicate);
                                conditionsOfPredicate.Add([]);
                                path.Add((matcher, predicate));
                            }

                            if (!conditionsOfPredicate[predicate].Contains(conditionId))
                            {
                                conditionsOfPredicate[predicate].Add(conditionId);
                            }
                        }
                    }

                    if (!branchConditions.Contains(conditionId))
                    {
                        branchConditions.Add(conditionId);
                        branchesOfCondition[conditionId].Add(branchId);
                    }
                }

                branches.Add(new CompiledBranch(
                    rule,
                    [.. branchConditions],
                    branchConditions.Count(c => !conditions[c].AllowsAbsence)));
            }
        }

        var fieldNumbers = predicatesByPath.Keys.Select((path, i) => (path, i)).ToDictionary(p => p.path, p => p.i, StringComparer.Ordinal);
        Fields = [.. predicatesByPath.Select(p => new FieldIndex(fieldNumbers[p.Key], p.Value))];
        foreach (var condition in conditions)
        {
            condition.Field = fieldNumbers[condition.Path];
        }

        Conditions = [.. conditions];
        ConditionsOfPredicate = [.. conditionsOfPredicate.Select(c => c.ToArray())];
        Branches = [.. branches];
        BranchesOfCondition = [.. branchesOfCondition.Select(b => b.ToArray())];
        AlwaysCandidates = [.. branches.Select((b, i) => (b, i)).Where(p => p.b.Required == 0).Select(p => p.i)];
        ConditionsAllowingAbsence = [.. conditions.Where(c => c.AllowsAbsence).Select(c => c.Id)];
        Paths = new PathTable(fieldNumbers);
    }

    /// <summary>The rules' names, in the order given.</summary>
    public IReadOnlyList<string> RuleNames { get; }

    internal FieldIndex[] Fields { get; }

    internal CompiledCondition[] Conditions { get; }

    internal int[][] ConditionsOfPredicate { get; }

    internal CompiledBranch[] Branches { get; }

    internal int[][] BranchesOfCondition { get; }

    /// <summary>Branches made only of conditions that absence can satisfy: candidates for every event.</summary>
    internal int[] AlwaysCandidates { get; }

    internal int[] ConditionsAllowingAbsence { get; }

    internal PathTable Paths { get; }

    /// <summary>Compiles the rules; names must be unique.</summary>
    public static RuleSet Compile(IEnumerable<KeyValuePair<string, EventPattern>> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var list = rules.ToList();
        var duplicate = list.GroupBy(r => r.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Rule name '{duplicate.Key}' is used more than once.", nameof(rules));
        }

        return new RuleSet([.. list.Select(r => r.Key)], [.. list.Select(r => r.Value)]);
    }

    /// <summary>Compiles the enabled rules, as EventBridge applies them.</summary>
    public static RuleSet Compile(IEnumerable<RuleDefinition> rules) =>
        Compile((rules ?? throw new ArgumentNullException(nameof(rules)))
            .Where(r => r.State == RuleState.Enabled)
            .Select(r => KeyValuePair.Create(r.Name, r.EventPattern)));

    /// <summary>Every field path the rules test, dotted (<c>detail.amount</c>).</summary>
    public IEnumerable<string> FieldPaths => Conditions.Select(c => c.Path).Distinct();

    /// <summary>A matcher for one thread: it owns the scratch state that keeps matching free of allocation.</summary>
    public RuleMatcher CreateMatcher() => new(this);
}

/// <summary>A distinct field condition: a path and the matchers of which one must hold.</summary>
internal sealed class CompiledCondition(int id, string path, bool allowsAbsence, IReadOnlyList<ValueMatcher> matchers)
{
    public int Id { get; } = id;

    public string Path { get; } = path;

    public int Field { get; set; }

    public bool AllowsAbsence { get; } = allowsAbsence;

    public IReadOnlyList<ValueMatcher> Matchers { get; } = matchers;
}

/// <summary>A pattern branch: its rule, its conditions, and how many of them need a matching value.</summary>
internal sealed record CompiledBranch(int Rule, int[] Conditions, int Required);

/// <summary>
/// The paths a rule set reads, as a tree of key segments: an event is walked key by key, and a key absent from
/// the tree is skipped with everything under it. A dotted key (<c>"a.b"</c>) walks two segments, so nested and
/// dotted keys reach the same field, as in EventBridge.
/// </summary>
internal sealed class PathTable
{
    private readonly PathNode[] _nodes;

    public PathTable(IReadOnlyDictionary<string, int> fields)
    {
        var children = new List<Dictionary<string, int>> { new(StringComparer.Ordinal) };
        var fieldOfNode = new List<int> { -1 };
        foreach (var (path, field) in fields)
        {
            var node = 0;
            foreach (var segment in path.Split('.'))
            {
                if (!children[node].TryGetValue(segment, out var child))
                {
                    child = children.Count;
                    children[node].Add(segment, child);
                    children.Add(new Dictionary<string, int>(StringComparer.Ordinal));
                    fieldOfNode.Add(-1);
                }

                node = child;
            }

            fieldOfNode[node] = field;
        }

        _nodes =
        [
            .. children.Select((c, i) => new PathNode(
                fieldOfNode[i],
                c.Count == 0 ? null : new Utf8Map<int>(c.Select(kv => KeyValuePair.Create(Encoding.UTF8.GetBytes(kv.Key), kv.Value))))),
        ];
    }

    public PathNode Root => _nodes[0];

    /// <summary>The node under <paramref name="parent"/> for an (unescaped) key; false when no rule reads below it.</summary>
    public bool TryGetChild(PathNode parent, ReadOnlySpan<byte> key, out PathNode node)
    {
        node = default;
        if (parent.Children is null)
        {
            return false;
        }

        if (parent.Children.TryGetValue(key, out var index))
        {
            node = _nodes[index];
            return true;
        }

        // Segments never contain dots, so only a miss can be a dotted key.
        var dot = key.IndexOf((byte)'.');
        return dot >= 0 && TryGetChild(parent, key[..dot], out var step) && TryGetChild(step, key[(dot + 1)..], out node);
    }

    /// <summary>The node at a dotted path from the root.</summary>
    public bool TryGet(ReadOnlySpan<byte> path, out PathNode node) => TryGetChild(Root, path, out node);
}

/// <summary>A node of <see cref="PathTable"/>: the field tested here (-1 when none), and the keys read below it.</summary>
internal readonly record struct PathNode(int Field, Utf8Map<int>? Children)
{
    public bool HasChildren => Children is not null;
}
