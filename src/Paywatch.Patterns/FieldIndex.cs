namespace Paywatch.Patterns;

/// <summary>
/// Everything a rule set tests at one path, indexed by kind so that a value finds the predicates it satisfies
/// with hash lookups and binary searches, not one test per rule. Predicates are identified by number; equal
/// predicates from different rules are one.
/// </summary>
internal sealed class FieldIndex
{
    private readonly Utf8Map<int[]> _strings;
    private readonly Utf8Map<int[]> _numberTexts;
    private readonly Utf8Map<int[]> _ignoreCase;
    private readonly AffixIndex _prefixes;
    private readonly AffixIndex _suffixes;
    private readonly AffixIndex _prefixesIgnoreCase;
    private readonly AffixIndex _suffixesIgnoreCase;
    private readonly IntervalIndex _numbers;
    private readonly (IpRange Range, int Id)[] _ips;
    private readonly int[][] _literals;
    private readonly int[] _always;
    private readonly (ValueMatcher Matcher, int Id)[] _scanned;

    public FieldIndex(int id, IReadOnlyList<(ValueMatcher Matcher, int Id)> predicates)
    {
        Id = id;
        Needs = predicates.Aggregate(ValueForms.None, (n, p) => n | p.Matcher.Needs);
        _strings = Map(predicates, p => p is ExactStringMatcher s ? s.Utf8 : null);
        _numberTexts = Map(predicates, p => p is ExactNumberMatcher n ? n.Utf8 : null);
        _ignoreCase = Map(predicates, p => p is EqualsIgnoreCaseMatcher e ? e.Folded : null);
        _prefixes = new AffixIndex(predicates, p => p is PrefixMatcher { IgnoreCase: false } m ? m.Utf8 : null);
        _suffixes = new AffixIndex(predicates, p => p is SuffixMatcher { IgnoreCase: false } m ? m.Utf8 : null);
        _prefixesIgnoreCase = new AffixIndex(predicates, p => p is PrefixMatcher { IgnoreCase: true } m ? m.Utf8 : null);
        _suffixesIgnoreCase = new AffixIndex(predicates, p => p is SuffixMatcher { IgnoreCase: true } m ? m.Utf8 : null);
        _numbers = new IntervalIndex(
        [
            .. predicates.Select(p => p.Matcher switch
            {
                NumericMatcher range => (range, p.Id),
                ExactNumberMatcher { Comparable: { } c } => (new NumericMatcher(c, false, c, false), p.Id),
                _ => ((NumericMatcher?)null, p.Id),
            }).Where(p => p.Item1 is not null).Select(p => (p.Item1!, p.Id)),
        ]);
        _ips =
        [
            .. predicates.Select(p => p.Matcher switch
            {
                CidrMatcher c => (c.Range, p.Id),
                ExactStringMatcher { Ip: { } ip } => (ip, p.Id),
                _ => (default(IpRange?), p.Id),
            }).Where(p => p.Item1 is not null).Select(p => (p.Item1!.Value, p.Id)),
        ];
        _literals = new int[3][];
        foreach (var kind in new[] { EventValueKind.True, EventValueKind.False, EventValueKind.Null })
        {
            _literals[LiteralSlot(kind)] = [.. predicates.Where(p => p.Matcher is LiteralMatcher l && l.Kind == kind).Select(p => p.Id)];
        }

        _always = [.. predicates.Where(p => p.Matcher is ExistsMatcher { Exists: true }).Select(p => p.Id)];
        _scanned = [.. predicates.Where(p => p.Matcher is WildcardMatcher or AnythingButMatcher)];
    }

    public int Id { get; }

    /// <summary>The derived forms of a value that this field's predicates read.</summary>
    public ValueForms Needs { get; }

    /// <summary>Calls <paramref name="sink"/> with each predicate <paramref name="value"/> satisfies (a predicate at most once).</summary>
    public void Collect<TSink>(in EventValue value, ref TSink sink)
        where TSink : struct, IPredicateSink
    {
        Emit(_always, ref sink);
        switch (value.Kind)
        {
            case EventValueKind.String:
                int[]? exact = null;
                if (_strings.Count > 0 && _strings.TryGetValue(value.Text, out exact))
                {
                    Emit(exact, ref sink);
                }

                _prefixes.CollectPrefixes(value.Text, ref sink);
                _suffixes.CollectSuffixes(value.Text, ref sink);
                if ((Needs & ValueForms.Folded) != 0)
                {
                    if (_ignoreCase.Count > 0 && _ignoreCase.TryGetValue(value.Folded, out var folded))
                    {
                        Emit(folded, ref sink);
                    }

                    _prefixesIgnoreCase.CollectPrefixes(value.Folded, ref sink);
                    _suffixesIgnoreCase.CollectSuffixes(value.Folded, ref sink);
                }

                if (value.IsIp)
                {
                    foreach (var (range, id) in _ips)
                    {
                        // A plain IP string and its exact form are the same predicate: emit once.
                        if (range.Contains(value.IsV6, value.Ip) && !Contains(exact, id))
                        {
                            sink.Add(id);
                        }
                    }
                }

                break;
            case EventValueKind.Number:
                var byText = default(int[]);
                if (_numberTexts.Count > 0 && _numberTexts.TryGetValue(value.Text, out byText))
                {
                    Emit(byText, ref sink);
                }

                if (value.IsComparable && !_numbers.IsEmpty)
                {
                    foreach (var id in _numbers.Find(value.Number))
                    {
                        if (byText is null || !Contains(byText, id))
                        {
                            sink.Add(id);
                        }
                    }
                }

                break;
            default:
                Emit(_literals[LiteralSlot(value.Kind)], ref sink);
                break;
        }

        foreach (var (matcher, id) in _scanned)
        {
            if (matcher.Matches(value))
            {
                sink.Add(id);
            }
        }
    }

    private static bool Contains(int[]? ids, int id) => ids is not null && Array.IndexOf(ids, id) >= 0;

    private static int LiteralSlot(EventValueKind kind) => kind - EventValueKind.True;

    private static void Emit<TSink>(int[] ids, ref TSink sink)
        where TSink : struct, IPredicateSink
    {
        foreach (var id in ids)
        {
            sink.Add(id);
        }
    }

    private static Utf8Map<int[]> Map(IReadOnlyList<(ValueMatcher Matcher, int Id)> predicates, Func<ValueMatcher, byte[]?> key) =>
        new(predicates
            .Select(p => (Key: key(p.Matcher), p.Id))
            .Where(p => p.Key is not null)
            .GroupBy(p => Convert.ToBase64String(p.Key!))
            .Select(g => KeyValuePair.Create(g.First().Key!, g.Select(p => p.Id).ToArray())));

    /// <summary>Prefixes (or suffixes) grouped by length: a value is looked up once per distinct length.</summary>
    private sealed class AffixIndex
    {
        private readonly Utf8Map<int[]> _map;
        private readonly int[] _lengths;

        public AffixIndex(IReadOnlyList<(ValueMatcher Matcher, int Id)> predicates, Func<ValueMatcher, byte[]?> key)
        {
            _map = Map(predicates, key);
            _lengths = [.. predicates.Select(p => key(p.Matcher)).OfType<byte[]>().Select(k => k.Length).Distinct().Order()];
        }

        public void CollectPrefixes<TSink>(ReadOnlySpan<byte> value, ref TSink sink)
            where TSink : struct, IPredicateSink
        {
            foreach (var length in _lengths)
            {
                if (length > value.Length)
                {
                    return;
                }

                if (_map.TryGetValue(value[..length], out var ids))
                {
                    Emit(ids, ref sink);
                }
            }
        }

        public void CollectSuffixes<TSink>(ReadOnlySpan<byte> value, ref TSink sink)
            where TSink : struct, IPredicateSink
        {
            foreach (var length in _lengths)
            {
                if (length > value.Length)
                {
                    return;
                }

                if (_map.TryGetValue(value[^length..], out var ids))
                {
                    Emit(ids, ref sink);
                }
            }
        }
    }
}

/// <summary>Receives the predicates a value satisfies.</summary>
internal interface IPredicateSink
{
    void Add(int predicate);
}
