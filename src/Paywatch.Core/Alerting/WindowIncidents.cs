using System.Text.Json;
using Paywatch.Core.Enrichment;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Transactions;

namespace Paywatch.Core.Alerting;

/// <summary>
/// A shard lane's incidents in its tumbling window: which are notified one by one (the lane's paced share of the
/// stream's budget, <see cref="LaneAlertBudget"/>), which wait for the window's summary, and which records' incidents
/// count, so that a record Lambda delivers again is counted once. Carried in the window state as member <c>i</c>.
/// </summary>
/// <remarks>
/// A batch's incidents are decided on a working copy as its records are processed; <see cref="Commit"/> then keeps those
/// of the records the invocation completes. Records from the first one Lambda will deliver again give back their
/// incidents and their budget, and are decided afresh on redelivery (at least once: an alert whose event the bus took
/// may be sent twice, none is lost). One instance serves one batch at a time.
/// </remarks>
internal sealed class WindowIncidents(LaneAlertBudget budget)
{
    private readonly List<(int Record, IncidentChange Change)> _batch = [];
    private IncidentTally _committed = new(); // the window's, as of the last completed record
    private IncidentTally _working = new(); // the window's with this batch's records so far: alerts are decided on it
    private TumblingWindow? _window;
    private string? _shardId;

    public LaneAlertBudget Budget => budget;

    /// <summary>Whether the window has news for a summary beyond its individual alerts.</summary>
    public bool NeedsSummary => _committed.NeedsSummary;

    /// <summary>Whether there is nothing to carry in the window state.</summary>
    public bool IsEmpty => _committed.IsEmpty;

    /// <summary>Whether a failure of <paramref name="code"/> has been notified on its own in the window (then the rest are for the summary).</summary>
    public bool IsCodeAlerted(ValidationErrorCode code) => _working.IsCodeAlerted(code);

    /// <summary>Whether an incident of <paramref name="kind"/> not notified would be kept as an example (its id and sequence are wanted).</summary>
    public bool WantsExample(AlertKind kind) => _working.WantsExample(kind);

    /// <summary>Whether a velocity incident's entity would be kept by name.</summary>
    public bool WantsEntity => _working.WantsEntity;

    /// <summary>Forgets the window: without a tumbling window each batch is its own.</summary>
    public void Clear() => _committed.Clear();

    /// <summary>Starts a batch of <paramref name="window"/> on <paramref name="shardId"/>, from the committed incidents.</summary>
    public void BeginBatch(TumblingWindow? window, string? shardId)
    {
        _window = window;
        _shardId = shardId;
        _batch.Clear();
        _working.CopyFrom(_committed);
    }

    /// <summary>
    /// Records an incident of record <paramref name="record"/>; when <paramref name="notify"/> asks for it and the lane
    /// has a token at <paramref name="now"/> (or the record is a <see cref="VerifyProbe"/>, which needs none), it is
    /// notified on its own (true), else it waits for the summary.
    /// </summary>
    public bool Raise(int record, AlertKind kind, bool notify, bool probe, DateTimeOffset now, ValidationErrorCode? code, string? id, string? sequence, string? entity)
    {
        var bucket = _working.Bucket;
        var alerted = notify && (probe || budget.TryTake(ref bucket, _window, now, _shardId));
        var change = new IncidentChange(kind, alerted, code, alerted ? null : id, alerted ? null : sequence, entity, bucket);
        _working.Apply(change);
        _batch.Add((record, change));
        return alerted;
    }

    /// <summary>Keeps the incidents of the records before <paramref name="completed"/>: the ones this invocation completes.</summary>
    public void Commit(int completed)
    {
        if (_batch.Count == 0 || _batch[^1].Record < completed)
        {
            (_committed, _working) = (_working, _committed);
        }
        else
        {
            foreach (var (record, change) in _batch)
            {
                if (record < completed)
                {
                    _committed.Apply(change);
                }
            }
        }

        _committed.AddTransactions(completed);
    }

    /// <summary>
    /// Loads member <c>i</c> of a window state (a JSON object whose other members are not ours); false when the state
    /// is not JSON or its <c>i</c> is not what <see cref="WriteState"/> writes, and the incidents restart.
    /// </summary>
    public bool LoadState(ReadOnlySpan<byte> state)
    {
        _committed.Clear();
        if (state.IsEmpty)
        {
            return true;
        }

        try
        {
            var reader = new Utf8JsonReader(state);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return true;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isIncidents = reader.ValueTextEquals("i"u8);
                reader.Read();
                if (isIncidents)
                {
                    return _committed.LoadState(ref reader);
                }

                reader.Skip();
            }

            return true;
        }
        catch (JsonException)
        {
            _committed.Clear();
            return false;
        }
    }

    /// <summary>Writes the committed incidents as the value of the window state's member <c>i</c>.</summary>
    public void WriteState(Utf8JsonWriter writer) => _committed.WriteState(writer);

    /// <summary>The window's summary (see <see cref="IncidentTally.WriteSummary"/>).</summary>
    public void WriteSummary(
        Utf8JsonWriter writer, VelocityCounter velocity, DateTimeOffset start, DateTimeOffset end, bool? terminatedEarly, string? shardId) =>
        _committed.WriteSummary(writer, velocity, start, end, terminatedEarly, shardId);
}
