using System.Text.Json;

namespace Paywatch.Patterns;

/// <summary>
/// Matches events against a <see cref="RuleSet"/>. Not thread-safe: it keeps scratch state between calls so
/// that, once warm, matching allocates nothing. Create one per thread with <see cref="RuleSet.CreateMatcher"/>.
/// </summary>
public sealed class RuleMatcher
{
    // EventBridge accepts events nested up to 1,100 levels (PutEvents); deeper is not a valid event.
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 1100 };
    private static readonly byte[] DetailPath = "detail"u8.ToArray();
    private static readonly byte[] SourcePath = "source"u8.ToArray();
    private static readonly byte[] DetailTypePath = "detail-type"u8.ToArray();

    private readonly RuleSet _rules;

    // Per event: a generation number marks what this event touched, so nothing is cleared between events.
    private int _generation;
    private readonly int[] _conditionGeneration;
    private readonly int[] _branchGeneration;
    private readonly int[] _branchCount;
    private readonly int[] _fieldGeneration;
    private readonly List<int> _candidates = [];
    private readonly List<int> _matchedRules = [];
    private readonly bool[] _ruleMatched;

    // Per value: a serial number stops one value from satisfying a condition twice.
    private int _serial;
    private readonly int[] _conditionSerial;
    private int _currentValue;

    // The values read from this event (by the rules' fields) and the arrays around each, for array consistency.
    private int _valueCount;
    private int[] _valueField = new int[64];
    private int[] _valueTrailStart = new int[64];
    private int[] _valueTrailLength = new int[64];
    private readonly List<(int Array, int Element)> _trails = [];
    private readonly List<(int Array, int Element)> _arrays = [];
    private int _nextArray;
    private bool _anyInArray;
    private readonly List<(int Condition, int Value)> _hits = [];

    private byte[] _key = new byte[256];
    private readonly Utf8Cache _envelopeText = new();
    private byte[] _text = new byte[256];
    private byte[] _folded = new byte[256];

    internal RuleMatcher(RuleSet rules)
    {
        _rules = rules;
        _conditionGeneration = new int[rules.Conditions.Length];
        _conditionSerial = new int[rules.Conditions.Length];
        _branchGeneration = new int[rules.Branches.Length];
        _branchCount = new int[rules.Branches.Length];
        _fieldGeneration = new int[rules.Fields.Length];
        _ruleMatched = new bool[rules.RuleNames.Count];
    }

    /// <summary>Matches one event (UTF-8 JSON) and adds the names of the rules it matches, in rule order.</summary>
    /// <returns>How many rules matched.</returns>
    /// <exception cref="InvalidEventException">The event is not a JSON object.</exception>
    public int Match(ReadOnlySpan<byte> eventJson, ICollection<string> matchedRules)
    {
        ArgumentNullException.ThrowIfNull(matchedRules);
        Begin();
        var reader = new Utf8JsonReader(eventJson, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidEventException("Event is not valid: it must be a JSON object.");
            }

            ReadObject(ref reader, _rules.Paths.Root);
            if (reader.Read())
            {
                throw new InvalidEventException("Event is not valid: content follows the JSON object.");
            }
        }
        catch (JsonException e)
        {
            throw new InvalidEventException($"Event is not valid JSON: {e.Message}", e);
        }

        return Finish(matchedRules);
    }

    /// <summary>
    /// Matches the event EventBridge would build from a PutEvents entry with this source, detail type and
    /// detail, without building it. Rules that test other envelope fields (account, region, time, ...) do not
    /// see them: <see cref="RuleSet"/> users that route this way check the rules first.
    /// </summary>
    public int MatchEntry(string source, string detailType, ReadOnlySpan<byte> detailJson, ICollection<string> matchedRules)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(detailType);
        ArgumentNullException.ThrowIfNull(matchedRules);
        Begin();
        AddEnvelopeString(SourcePath, source);
        AddEnvelopeString(DetailTypePath, detailType);
        if (_rules.Paths.TryGet(DetailPath, out var node))
        {
            var reader = new Utf8JsonReader(detailJson, ReaderOptions);
            try
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new InvalidEventException("Detail is not valid: it must be a JSON object.");
                }

                ReadValue(ref reader, node);
            }
            catch (JsonException e)
            {
                throw new InvalidEventException($"Detail is not valid JSON: {e.Message}", e);
            }
        }

        return Finish(matchedRules);
    }

    private void AddEnvelopeString(byte[] path, string value)
    {
        if (_rules.Paths.TryGet(path, out var node) && node.Field >= 0)
        {
            OnValue(node.Field, EventValueKind.String, _envelopeText.Encode(value));
        }
    }

    private void Begin()
    {
        if (++_generation == int.MaxValue)
        {
            Array.Clear(_conditionGeneration);
            Array.Clear(_branchGeneration);
            Array.Clear(_fieldGeneration);
            _generation = 1;
        }

        _candidates.Clear();
        _hits.Clear();
        _trails.Clear();
        _arrays.Clear();
        _valueCount = 0;
        _nextArray = 0;
        _anyInArray = false;
    }

    private void ReadObject(ref Utf8JsonReader reader, PathNode parent)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.ValueSpan;
            if (reader.ValueIsEscaped)
            {
                EnsureCapacity(ref _key, key.Length);
                key = _key.AsSpan(0, reader.CopyString(_key));
            }

            var found = _rules.Paths.TryGetChild(parent, key, out var node);
            reader.Read();
            if (found)
            {
                ReadValue(ref reader, node);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private void ReadValue(ref Utf8JsonReader reader, PathNode node)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                if (node.HasChildren)
                {
                    ReadObject(ref reader, node);
                }
                else
                {
                    reader.Skip();
                }

                break;
            case JsonTokenType.StartArray:
                // Each element is a value of the same path; the array and element index are kept for consistency.
                var depth = _arrays.Count;
                _arrays.Add((_nextArray++, 0));
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    ReadValue(ref reader, node);
                    _arrays[depth] = (_arrays[depth].Array, _arrays[depth].Element + 1);
                }

                _arrays.RemoveAt(depth);
                break;
            case JsonTokenType.String when node.Field >= 0:
                if (reader.ValueIsEscaped)
                {
                    EnsureCapacity(ref _text, reader.ValueSpan.Length);
                    OnValue(node.Field, EventValueKind.String, _text.AsSpan(0, reader.CopyString(_text)));
                }
                else
                {
                    OnValue(node.Field, EventValueKind.String, reader.ValueSpan);
                }

                break;
            case JsonTokenType.Number when node.Field >= 0:
                OnValue(node.Field, EventValueKind.Number, reader.ValueSpan);
                break;
            case JsonTokenType.True when node.Field >= 0:
                OnValue(node.Field, EventValueKind.True, "true"u8);
                break;
            case JsonTokenType.False when node.Field >= 0:
                OnValue(node.Field, EventValueKind.False, "false"u8);
                break;
            case JsonTokenType.Null when node.Field >= 0:
                OnValue(node.Field, EventValueKind.Null, "null"u8);
                break;
        }
    }

    private void OnValue(int field, EventValueKind kind, ReadOnlySpan<byte> text)
    {
        var index = _rules.Fields[field];
        var folded = (index.Needs & ValueForms.Folded) != 0 && kind == EventValueKind.String
            ? CaseFolding.Fold(text, ref _folded)
            : default;
        var value = new EventValue(kind, text, index.Needs, folded);

        if (_valueCount == _valueField.Length)
        {
            Array.Resize(ref _valueField, _valueCount * 2);
            Array.Resize(ref _valueTrailStart, _valueCount * 2);
            Array.Resize(ref _valueTrailLength, _valueCount * 2);
        }

        _currentValue = _valueCount++;
        _valueField[_currentValue] = field;
        _valueTrailStart[_currentValue] = _trails.Count;
        _valueTrailLength[_currentValue] = _arrays.Count;
        if (_arrays.Count > 0)
        {
            _trails.AddRange(_arrays);
            _anyInArray = true;
        }

        _fieldGeneration[field] = _generation;
        if (++_serial == int.MaxValue)
        {
            Array.Clear(_conditionSerial);
            _serial = 1;
        }

        var sink = new Sink(this);
        index.Collect(value, ref sink);
    }

    private void OnPredicate(int predicate)
    {
        foreach (var condition in _rules.ConditionsOfPredicate[predicate])
        {
            if (_conditionSerial[condition] == _serial)
            {
                continue;
            }

            _conditionSerial[condition] = _serial;
            _hits.Add((condition, _currentValue));
            if (_conditionGeneration[condition] == _generation)
            {
                continue;
            }

            _conditionGeneration[condition] = _generation;
            if (_rules.Conditions[condition].AllowsAbsence)
            {
                continue; // settled per branch at the end, with the field's absence
            }

            foreach (var branch in _rules.BranchesOfCondition[condition])
            {
                if (_branchGeneration[branch] != _generation)
                {
                    _branchGeneration[branch] = _generation;
                    _branchCount[branch] = 0;
                }

                if (++_branchCount[branch] == _rules.Branches[branch].Required)
                {
                    _candidates.Add(branch);
                }
            }
        }
    }

    private int Finish(ICollection<string> matchedRules)
    {
        _candidates.AddRange(_rules.AlwaysCandidates);
        _matchedRules.Clear();
        foreach (var candidate in _candidates)
        {
            var branch = _rules.Branches[candidate];
            if (!_ruleMatched[branch.Rule] && Holds(branch))
            {
                _ruleMatched[branch.Rule] = true;
                _matchedRules.Add(branch.Rule);
            }
        }

        _matchedRules.Sort();
        foreach (var rule in _matchedRules)
        {
            _ruleMatched[rule] = false;
            matchedRules.Add(_rules.RuleNames[rule]);
        }

        return _matchedRules.Count;
    }

    // Every condition that needs a value has one (the counting saw to that); now the conditions that absence
    // can satisfy, and, when arrays are involved, whether one choice of values is consistent.
    private bool Holds(CompiledBranch branch)
    {
        if (_anyInArray && branch.Conditions.Length > 1)
        {
            return new ConsistencySearch(this, branch).Run();
        }

        foreach (var condition in branch.Conditions)
        {
            var compiled = _rules.Conditions[condition];
            if (compiled.AllowsAbsence
                && _conditionGeneration[condition] != _generation
                && _fieldGeneration[compiled.Field] == _generation)
            {
                return false; // present, and no value satisfies it
            }
        }

        return true;
    }

    private static void EnsureCapacity(ref byte[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            Array.Resize(ref buffer, Math.Max(length, buffer.Length * 2));
        }
    }

    /// <summary>
    /// EventBridge's array consistency: a match may not take two values from different elements of the same
    /// array. Searches for one value per condition, pairwise consistent; a condition that absence can satisfy
    /// holds when a consistent value satisfies it, or when no value of its field is consistent with the choice.
    /// </summary>
    private readonly ref struct ConsistencySearch(RuleMatcher matcher, CompiledBranch branch)
    {
        private readonly Span<int> _chosen = new int[branch.Conditions.Length];

        public bool Run() => Choose(0, 0);

        private bool Choose(int position, int chosenCount)
        {
            if (position == branch.Conditions.Length)
            {
                return AbsentOnesHold(chosenCount);
            }

            var condition = branch.Conditions[position];
            if (matcher._rules.Conditions[condition].AllowsAbsence)
            {
                return Choose(position + 1, chosenCount);
            }

            foreach (var (hitCondition, value) in matcher._hits)
            {
                if (hitCondition == condition && ConsistentWithChosen(value, chosenCount))
                {
                    _chosen[chosenCount] = value;
                    if (Choose(position + 1, chosenCount + 1))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private bool AbsentOnesHold(int chosenCount)
        {
            foreach (var condition in branch.Conditions)
            {
                var compiled = matcher._rules.Conditions[condition];
                if (!compiled.AllowsAbsence)
                {
                    continue;
                }

                var satisfied = false;
                foreach (var (hitCondition, value) in matcher._hits)
                {
                    satisfied |= hitCondition == condition && ConsistentWithChosen(value, chosenCount);
                }

                // Otherwise the field must be absent for this choice: none of its values consistent with it.
                for (var value = 0; value < matcher._valueCount && !satisfied; value++)
                {
                    if (matcher._valueField[value] == compiled.Field && ConsistentWithChosen(value, chosenCount))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        private bool ConsistentWithChosen(int value, int chosenCount)
        {
            for (var i = 0; i < chosenCount; i++)
            {
                if (!matcher.Consistent(value, _chosen[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }

    // Two values are consistent unless, in some array around both, they sit in different elements.
    private bool Consistent(int a, int b)
    {
        var length = Math.Min(_valueTrailLength[a], _valueTrailLength[b]);
        for (var i = 0; i < length; i++)
        {
            var x = _trails[_valueTrailStart[a] + i];
            var y = _trails[_valueTrailStart[b] + i];
            if (x.Array != y.Array)
            {
                return true;
            }

            if (x.Element != y.Element)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The UTF-8 of the few strings a router passes with every entry (its source and detail type), encoded once:
    /// the same string instances come back call after call.
    /// </summary>
    private sealed class Utf8Cache
    {
        private readonly (string Text, byte[] Utf8)[] _entries = new (string, byte[])[4];
        private int _next;

        public ReadOnlySpan<byte> Encode(string text)
        {
            foreach (var (cached, utf8) in _entries)
            {
                if (ReferenceEquals(cached, text))
                {
                    return utf8;
                }
            }

            var bytes = Encoding.UTF8.GetBytes(text);
            _entries[_next] = (text, bytes);
            _next = (_next + 1) % _entries.Length;
            return bytes;
        }
    }

    private readonly struct Sink(RuleMatcher matcher) : IPredicateSink
    {
        public void Add(int predicate) => matcher.OnPredicate(predicate);
    }
}
