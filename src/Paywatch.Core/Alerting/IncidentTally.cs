using System.Globalization;
using System.IO.Hashing;
using System.Text.Json;
using Paywatch.Core.Enrichment;
using Paywatch.Core.Routing;
using Paywatch.Core.Transactions;

namespace Paywatch.Core.Alerting;

/// <summary>
/// One incident a record raised, and whether it was notified on its own; examples and names only while there is room.
/// <paramref name="Bucket"/> is the lane's alert bucket once this alert was sent (<see cref="LaneAlertBudget.TryTake"/>).
/// </summary>
internal readonly record struct IncidentChange(AlertKind Kind, bool Alerted, ValidationErrorCode? Code, string? Id, string? Sequence, string? Entity, AlertBucket Bucket = default);

/// <summary>
/// A window's incidents so far, by kind: how many, how many were notified on their own, failures by error code, a few
/// examples of those not notified, and the first entities over the velocity threshold. Carried in the window state
/// (member <c>i</c>) from invocation to invocation, and summarised when the window closes.
/// </summary>
/// <remarks>Small and bounded: four kinds, 17 error codes, <see cref="MaxExamples"/> examples a kind and
/// <see cref="MaxEntities"/> entity names (each an entity key as read, already PAN-masked).</remarks>
internal sealed class IncidentTally
{
    public const int MaxExamples = 3;
    public const int MaxEntities = 20;

    private static readonly int CodeCount = Enum.GetValues<ValidationErrorCode>().Length;
    private static readonly int KindCount = AlertKinds.All.Count;

    private readonly int[] _counts = new int[KindCount];
    private readonly int[] _alerted = new int[KindCount];
    private readonly int[] _failures = new int[CodeCount];
    private readonly List<IncidentChange> _examples = [];
    private readonly List<string> _entities = [];

    /// <summary>Transactions the window has completed.</summary>
    public long Transactions { get; private set; }

    /// <summary>The lane's alert tokens in the window (<see cref="LaneAlertBudget"/>).</summary>
    public AlertBucket Bucket { get; private set; }

    public bool IsEmpty => Transactions == 0 && Bucket == default && _counts.All(c => c == 0);

    /// <summary>Whether the window has news beyond its individual alerts: entities over the velocity threshold, or incidents not notified.</summary>
    public bool NeedsSummary => _counts[AlertKind.Velocity.Index()] > 0 || _counts.Where((count, i) => count > _alerted[i]).Any();

    public int Count(AlertKind kind) => _counts[kind.Index()];

    public int Alerted(AlertKind kind) => _alerted[kind.Index()];

    /// <summary>Whether a failure of <paramref name="code"/> has been notified on its own in the window.</summary>
    public bool IsCodeAlerted(ValidationErrorCode code) => (AlertedCodes & (1 << (int)code)) != 0;

    /// <summary>The error codes notified on their own, a bit each.</summary>
    private int AlertedCodes { get; set; }

    public bool WantsExample(AlertKind kind) => _examples.Count(e => e.Kind == kind) < MaxExamples;

    public bool WantsEntity => _entities.Count < MaxEntities;

    public void Clear()
    {
        Array.Clear(_counts);
        Array.Clear(_alerted);
        Array.Clear(_failures);
        _examples.Clear();
        _entities.Clear();
        Transactions = 0;
        Bucket = default;
        AlertedCodes = 0;
    }

    public void CopyFrom(IncidentTally other)
    {
        other._counts.CopyTo(_counts, 0);
        other._alerted.CopyTo(_alerted, 0);
        other._failures.CopyTo(_failures, 0);
        _examples.Clear();
        _examples.AddRange(other._examples);
        _entities.Clear();
        _entities.AddRange(other._entities);
        Transactions = other.Transactions;
        Bucket = other.Bucket;
        AlertedCodes = other.AlertedCodes;
    }

    public void AddTransactions(int count) => Transactions += count;

    public void Apply(in IncidentChange change)
    {
        var kind = change.Kind.Index();
        _counts[kind]++;
        if (change.Alerted)
        {
            _alerted[kind]++;
            Bucket = change.Bucket;
        }

        if (change.Code is { } code)
        {
            _failures[(int)code]++;
            AlertedCodes |= change.Alerted ? 1 << (int)code : 0;
        }

        if (change.Sequence is not null && !change.Alerted && WantsExample(change.Kind))
        {
            _examples.Add(change with { Entity = null });
        }

        if (change.Entity is not null && WantsEntity)
        {
            _entities.Add(change.Entity);
        }
    }

    /// <summary>Writes the tally as the window state's <c>i</c> member value.</summary>
    public void WriteState(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("n"u8, Transactions);
        writer.WriteNumber("b"u8, Bucket.Spent);
        writer.WriteNumber("s"u8, Bucket.LastAlertSecond);
        writer.WriteNumber("t"u8, Bucket.InSecond);
        writer.WriteNumber("g"u8, AlertedCodes);
        WriteNumbers(writer, "c"u8, _counts);
        WriteNumbers(writer, "a"u8, _alerted);
        WriteNumbers(writer, "f"u8, _failures);
        writer.WriteStartArray("x"u8);
        foreach (var example in _examples)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(example.Kind.Index());
            writer.WriteStringValue(example.Id);
            writer.WriteStringValue(example.Sequence);
            if (example.Code is { } code)
            {
                writer.WriteNumberValue((int)code);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("e"u8);
        foreach (var entity in _entities)
        {
            writer.WriteStringValue(entity);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Reads what <see cref="WriteState"/> wrote, the reader on its start; false when it is not that shape.</summary>
    public bool LoadState(ref Utf8JsonReader reader)
    {
        Clear();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            var read = name.Length == 1 && name[0] switch
            {
                (byte)'n' => reader.TryGetInt64(out var n) && n >= 0 && Set(() => Transactions = n),
                (byte)'b' => reader.TryGetInt64(out var b) && b >= 0 && Set(() => Bucket = Bucket with { Spent = b }),
                (byte)'s' => reader.TryGetInt64(out var second) && Set(() => Bucket = Bucket with { LastAlertSecond = second }),
                (byte)'t' => reader.TryGetInt64(out var inSecond) && inSecond >= 0 && Set(() => Bucket = Bucket with { InSecond = inSecond }),
                (byte)'g' => reader.TryGetInt32(out var g) && g >= 0 && g < 1 << CodeCount && Set(() => AlertedCodes = g),
                (byte)'c' => ReadNumbers(ref reader, _counts),
                (byte)'a' => ReadNumbers(ref reader, _alerted),
                (byte)'f' => ReadNumbers(ref reader, _failures),
                (byte)'x' => ReadExamples(ref reader),
                (byte)'e' => ReadEntities(ref reader),
                _ => false,
            };
            if (!read)
            {
                Clear();
                return false;
            }
        }

        return true;

        static bool Set(Action assign)
        {
            assign();
            return true;
        }
    }

    /// <summary>
    /// The window's summary, the <c>detail</c> of a <c>Window Summary</c> event: counts by kind, failures by error
    /// code, examples of what was not notified, the entities over the velocity threshold with their final counts, and
    /// the same as one readable sentence (<c>summary</c>) for the rule's message.
    /// </summary>
    /// <param name="start">The window's start; without a tumbling window, the batch's first arrival.</param>
    /// <param name="end">The window's end; without a tumbling window, now.</param>
    /// <param name="terminatedEarly">Whether Lambda ended the window early; null without a tumbling window.</param>
    public void WriteSummary(
        Utf8JsonWriter writer, VelocityCounter velocity, DateTimeOffset start, DateTimeOffset end, bool? terminatedEarly, string? shardId)
    {
        writer.WriteStartObject();
        if (shardId is not null)
        {
            writer.WriteString("shard_id"u8, shardId);
        }

        writer.WriteString("window_start"u8, start.UtcDateTime);
        writer.WriteString("window_end"u8, end.UtcDateTime);
        if (terminatedEarly is { } early)
        {
            writer.WriteBoolean("terminated_early"u8, early);
        }

        writer.WriteNumber("transactions"u8, Transactions);
        var entities = _entities
            .Select(name => (Name: name, Count: velocity.CountOf(XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(name)))))
            .OrderByDescending(e => e.Count)
            .ThenBy(e => e.Name, StringComparer.Ordinal)
            .ToList();
        var sentence = Sentence(entities);
        writer.WriteString("summary"u8, sentence);
        // The sentence quotes producers' ids: escaped for the rule's input template, as the transactions' own (InputTemplateText).
        writer.WriteStartObject("template_safe"u8);
        writer.WriteString("summary"u8, InputTemplateText.Escape(sentence));
        writer.WriteEndObject();
        writer.WriteStartObject("incidents"u8);
        foreach (var kind in AlertKinds.All)
        {
            writer.WriteStartObject(kind.ToWireName());
            writer.WriteNumber("count"u8, Count(kind));
            writer.WriteNumber("alerted"u8, Alerted(kind));
            if (kind == AlertKind.Failed)
            {
                writer.WriteStartObject("by_code"u8);
                foreach (var (code, count) in FailuresByCode())
                {
                    writer.WriteNumber(code.ToWireName(), count);
                }

                writer.WriteEndObject();
            }

            if (kind == AlertKind.Velocity)
            {
                writer.WriteStartArray("entities"u8);
                foreach (var (name, count) in entities)
                {
                    writer.WriteStartObject();
                    writer.WriteString("entity"u8, name);
                    writer.WriteNumber("count"u8, count);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }
            else
            {
                writer.WriteStartArray("examples"u8);
                foreach (var example in _examples.Where(e => e.Kind == kind))
                {
                    writer.WriteStartObject();
                    if (example.Id is not null)
                    {
                        writer.WriteString("transaction_id"u8, example.Id);
                    }

                    writer.WriteString("sequence_number"u8, example.Sequence);
                    if (example.Code is { } code)
                    {
                        writer.WriteString("error_code"u8, code.ToWireName());
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private IEnumerable<(ValidationErrorCode Code, int Count)> FailuresByCode() =>
        _failures.Select((count, code) => ((ValidationErrorCode)code, count)).Where(f => f.count > 0).OrderByDescending(f => f.count);

    /// <summary>E.g. "37 entities over the velocity threshold (10 alerted): card_1 50, card_2 49 and 35 more; 512 failed (...)".</summary>
    private string Sentence(List<(string Name, int Count)> entities)
    {
        var parts = new List<string>();
        foreach (var kind in AlertKinds.All)
        {
            var count = Count(kind);
            if (count == 0)
            {
                continue;
            }

            var text = new StringBuilder();
            var invariant = CultureInfo.InvariantCulture;
            text.Append(kind switch
            {
                AlertKind.HighValue => string.Create(invariant, $"{count} high-value"),
                AlertKind.Fraud => string.Create(invariant, $"{count} suspected fraud"),
                AlertKind.Velocity => string.Create(invariant, $"{count} {(count == 1 ? "entity" : "entities")} over the velocity threshold"),
                _ => string.Create(invariant, $"{count} failed"),
            });
            var details = new List<string>();
            if (kind == AlertKind.Failed)
            {
                details.AddRange(FailuresByCode().Select(f => string.Create(invariant, $"{f.Code.ToWireName()} {f.Count}")));
            }

            details.Add(string.Create(invariant, $"{Alerted(kind)} alerted"));
            text.Append(" (").AppendJoin(", ", details).Append(')');
            if (kind == AlertKind.Velocity)
            {
                text.Append(": ").AppendJoin(", ", entities.Select(e => string.Create(invariant, $"{e.Name} {e.Count}")));
                if (count > entities.Count)
                {
                    text.Append(invariant, $" and {count - entities.Count} more");
                }
            }
            else if (_examples.Any(e => e.Kind == kind))
            {
                text.Append(", not alerted e.g. ").AppendJoin(", ", _examples.Where(e => e.Kind == kind).Select(e =>
                    e.Id is null ? $"sequence {e.Sequence}" : $"{e.Id} (sequence {e.Sequence})"));
            }

            parts.Add(text.ToString());
        }

        return parts.Count == 0 ? "no incidents" : string.Join("; ", parts);
    }

    private static void WriteNumbers(Utf8JsonWriter writer, ReadOnlySpan<byte> name, int[] values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
    }

    private static bool ReadNumbers(ref Utf8JsonReader reader, int[] values)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        var i = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.Number)
        {
            if (i >= values.Length || !reader.TryGetInt32(out values[i]) || values[i] < 0)
            {
                return false;
            }

            i++;
        }

        return reader.TokenType == JsonTokenType.EndArray && i == values.Length;
    }

    private bool ReadExamples(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            if (!reader.Read() || !reader.TryGetInt32(out var kind) || (uint)kind >= (uint)KindCount
                || !reader.Read() || reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
            {
                return false;
            }

            var id = reader.GetString();
            if (!reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            var sequence = reader.GetString();
            ValidationErrorCode? code = null;
            if (reader.Read() && reader.TokenType == JsonTokenType.Number)
            {
                if (!reader.TryGetInt32(out var value) || (uint)value >= (uint)CodeCount)
                {
                    return false;
                }

                code = (ValidationErrorCode)value;
                reader.Read();
            }

            if (reader.TokenType != JsonTokenType.EndArray || _examples.Count >= KindCount * MaxExamples)
            {
                return false;
            }

            _examples.Add(new IncidentChange(AlertKinds.All[kind], false, code, id, sequence, null));
        }

        return reader.TokenType == JsonTokenType.EndArray;
    }

    private bool ReadEntities(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            if (_entities.Count >= MaxEntities)
            {
                return false;
            }

            _entities.Add(reader.GetString()!);
        }

        return reader.TokenType == JsonTokenType.EndArray;
    }
}
