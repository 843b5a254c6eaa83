using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Paywatch.Core.Alerting;
using Paywatch.Core.Enrichment;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Core.Transactions;

namespace Paywatch.Core.Processing;

/// <summary>
/// The transaction processor: takes one Lambda Kinesis event, returns Lambda's stream response. Host-agnostic:
/// the Lambda runtime loop and the local twin both drive it, through the same ports.
/// </summary>
/// <remarks>
/// <para>Per record: decode, read, validate, count velocity, score risk, write the enriched transaction, route.
/// Then one publish for the batch, then one log line per transaction outcome and the batch's metrics.</para>
/// <para>Bad data never fails a batch: it becomes a FAILED or ERROR transaction that is counted, logged and
/// routed like any other, so a poison record cannot block a shard. Only entries the publisher still could not
/// publish after its own bounded retries become <c>batchItemFailures</c>. Lambda then redelivers from the
/// lowest reported sequence number onwards
/// (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html), so every record
/// from that point is left out of this attempt's logs, metrics and window state: each transaction is
/// accounted for once, by the attempt that completes it.</para>
/// <para>One instance handles one batch at a time (as one Lambda execution environment does); it reuses its
/// buffers from batch to batch and is not thread-safe.</para>
/// </remarks>
public sealed class KinesisBatchHandler : IDisposable
{
    // Log lines go out in chunks of about this size: a 10,000-record batch's lines (7 MB) are never all in memory.
    private const int LogChunkBytes = 64 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Logs and events are never embedded in HTML; escaping only what JSON requires keeps them readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly ProcessorOptions _options;
    private readonly IEventPublisher _publisher;
    private readonly IRoutingPolicy _routing;
    private readonly IMetricsWriter _metricsWriter;
    private readonly ILogWriter _logWriter;
    private readonly TimeProvider _time;
    private readonly ProcessorTracing _tracing;

    private readonly Transaction _transaction = new();
    private readonly VelocityCounter _velocity = new();
    private readonly WindowIncidents _incidents;
    private readonly ArrayBufferWriter<byte> _answer = new(1024);
    private readonly BatchMetrics _metrics = new();
    private readonly ArrayBufferWriter<byte> _details = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _logs = new(LogChunkBytes * 2);
    private readonly ArrayBufferWriter<byte> _scratch = new(1024);
    private readonly Utf8JsonWriter _detailWriter;
    private readonly Utf8JsonWriter _scratchWriter;
    private readonly List<string> _matchedRules = [];
    private readonly StringBuilder _failedIds = new();
    private readonly StringBuilder _routedIds = new();
    private byte[] _data = new byte[4096];
    private byte[] _key = new byte[1024];
    private TransactionOutcome[] _outcomes = new TransactionOutcome[128];
    private EventEntry[] _entries = new EventEntry[128];
    private int[] _entryRecords = new int[128];
    private int _entryCount;
    private JsonEncodedText _logTime;
    private bool _traced;
    private ActivityTraceId _batchTraceId;

    /// <param name="tracing">The span source and trace mode; <see cref="ProcessorTracing.Default"/> when null.</param>
    public KinesisBatchHandler(
        ProcessorOptions options,
        IEventPublisher publisher,
        IRoutingPolicy routing,
        IMetricsWriter metricsWriter,
        ILogWriter logWriter,
        TimeProvider time,
        ProcessorTracing? tracing = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        _publisher = publisher ?? throw new ArgumentNullException(nameof(publisher));
        _routing = routing ?? throw new ArgumentNullException(nameof(routing));
        _metricsWriter = metricsWriter ?? throw new ArgumentNullException(nameof(metricsWriter));
        _logWriter = logWriter ?? throw new ArgumentNullException(nameof(logWriter));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _tracing = tracing ?? ProcessorTracing.Default;
        _incidents = new WindowIncidents(new LaneAlertBudget(options.AlertsPerWindow, options.LaneCount, options.ParallelizationFactor));
        _detailWriter = new Utf8JsonWriter(_details, WriterOptions);
        _scratchWriter = new Utf8JsonWriter(_scratch, WriterOptions);
    }

    /// <summary>Handles a batch in a trace of its own (no invocation to join).</summary>
    public ValueTask<KinesisStreamResponse> HandleAsync(KinesisEvent kinesisEvent, CancellationToken cancellationToken) =>
        HandleAsync(kinesisEvent, default, cancellationToken);

    /// <summary>Handles a batch; its spans join <paramref name="parent"/>'s trace, or start one when it has none.</summary>
    public async ValueTask<KinesisStreamResponse> HandleAsync(KinesisEvent kinesisEvent, TraceParent parent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kinesisEvent);
        using var batchSpan = StartBatchSpan(parent);
        var batch = batchSpan.Activity;
        _traced = batch is not null;
        _batchTraceId = batch?.TraceId ?? default;
        var records = kinesisEvent.Records;
        batch?.SetTag(ProcessorTelemetry.Tags.ShardId, kinesisEvent.ShardId);
        batch?.SetTag(ProcessorTelemetry.Tags.RecordCount, records.Count);
        if (parent.InvocationId is not null)
        {
            batch?.SetTag(ProcessorTelemetry.Tags.InvocationId, parent.InvocationId);
        }

        var stateReadable = StartBatch(kinesisEvent, records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            ProcessRecord(i, records[i], kinesisEvent.ShardId, batch);
        }

        if (batch is { IsAllDataRequested: true })
        {
            TagBatch(batch, records.Count);
        }

        var publish = await PublishAsync(cancellationToken).ConfigureAwait(false);

        // Lambda resumes from the lowest failed record: it and every record after it belong to the next attempt.
        var retryFrom = publish.FailedRecords.Count == 0 ? records.Count : publish.FailedRecords[0];
        for (var i = retryFrom; i < records.Count; i++)
        {
            if (_outcomes[i].Counted)
            {
                if (_outcomes[i].VelocityExceedRecorded)
                {
                    _velocity.ClearAlerted(_outcomes[i].EntityHash); // the redelivery alerts again: at least once
                }

                _velocity.Decrement(_outcomes[i].EntityHash);
            }
        }

        _incidents.Commit(retryFrom);
        var failures = publish.FailedRecords.ConvertAll(index => records[index].SequenceNumberText);
        batch?.SetTag(ProcessorTelemetry.Tags.FailureCount, failures.Count);

        var evicted = kinesisEvent.Window is null ? 0 : _velocity.TrimToLimit();
        if ((kinesisEvent.Window is null || kinesisEvent.IsFinalInvokeForWindow) && _incidents.NeedsSummary)
        {
            await PublishSummaryAsync(kinesisEvent, cancellationToken).ConfigureAwait(false);
        }

        var state = kinesisEvent.Window is null ? (ReadOnlyMemory<byte>?)null : AnswerState();
        // Every line of a batch carries the batch's reporting time, formatted once.
        var now = _time.GetUtcNow();
        _logTime = JsonEncodedText.Encode(now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        for (var i = 0; i < retryFrom; i++)
        {
            _metrics.RecordTransaction(_outcomes[i]);
            WriteLogLine(_outcomes[i]);
            if (_logs.WrittenCount >= LogChunkBytes)
            {
                FlushLogs();
            }
        }

        _metrics.RecordBatch(
            published: _entryCount - publish.FailedRecords.Count,
            publishFailures: publish.FailedRecords.Count,
            retried: records.Count - retryFrom,
            evicted: evicted);
        WriteBatchLogLines(kinesisEvent, retryFrom, publish, stateReadable, evicted);

        _metricsWriter.Write(_options.MetricNamespace, now, _metrics.Snapshot(_options.Environment));
        FlushLogs();
        return new KinesisStreamResponse { BatchItemFailures = failures, State = state };
    }

    /// <summary>Hands the whole lines written so far to the log writer.</summary>
    private void FlushLogs()
    {
        _logWriter.Write(_logs.WrittenSpan);
        _logs.ResetWrittenCount();
    }

    /// <summary>
    /// Publishes the window's summary (at its closing invocation, or after each batch without a window). Nothing can
    /// redeliver a summary but the invocation itself, so one the bus did not take fails the invocation: Lambda retries
    /// it with the same state.
    /// </summary>
    private async ValueTask PublishSummaryAsync(KinesisEvent kinesisEvent, CancellationToken cancellationToken)
    {
        var start = _details.WrittenCount;
        var now = _time.GetUtcNow();
        if (kinesisEvent.Window is { } window)
        {
            _incidents.WriteSummary(_detailWriter, _velocity, window.Start, window.End, kinesisEvent.IsWindowTerminatedEarly, kinesisEvent.ShardId);
        }
        else
        {
            var first = kinesisEvent.Records.Count > 0 && kinesisEvent.Records[0].ApproximateArrivalTimestamp > 0 ? kinesisEvent.Records[0].ArrivalTime : now;
            _incidents.WriteSummary(_detailWriter, _velocity, first, now, terminatedEarly: null, kinesisEvent.ShardId);
        }

        _detailWriter.Flush();
        _detailWriter.Reset();
        _entries[0] = new EventEntry(
            _options.EventSource, _options.SummaryDetailType, _details.WrittenMemory[start..], _options.EventBusName, now);
        var result = await _publisher.PublishAsync(_entries.AsMemory(0, 1), cancellationToken).ConfigureAwait(false);
        if (!result.AllPublished)
        {
            _answer.ResetWrittenCount(); // the retry's state is the previous answer, without this batch: load it afresh
            throw new InvalidOperationException(
                "The bus did not take the window's summary; the invocation fails so that Lambda retries it with the window's state.");
        }
    }

    /// <summary>
    /// Reserves room for the batch's details in one step: they run to about 1.4 times the records' base64 size,
    /// and growing by doubling would leave a large-object-heap garbage trail as big as the batch itself (peak RSS).
    /// </summary>
    private void ReserveDetails(IReadOnlyList<KinesisEventRecord> records)
    {
        long base64Bytes = 0;
        for (var i = 0; i < records.Count; i++)
        {
            base64Bytes += records[i].Data.Length;
        }

        _ = _details.GetSpan((int)Math.Min(base64Bytes * 3 / 2, Array.MaxLength / 2));
    }

    private bool StartBatch(KinesisEvent kinesisEvent, int recordCount)
    {
        _details.ResetWrittenCount();
        ReserveDetails(kinesisEvent.Records);
        _logs.ResetWrittenCount();
        _matchedRules.Clear();
        _failedIds.Clear();
        _routedIds.Clear();
        _metrics.Reset();
        _entryCount = 0;
        if (_outcomes.Length < recordCount)
        {
            var capacity = Math.Max(recordCount, _outcomes.Length * 2);
            _outcomes = new TransactionOutcome[capacity];
            _entries = new EventEntry[capacity];
            _entryRecords = new int[capacity];
        }

        // Without a tumbling window there is no state to carry: counts, alerts and summaries are per batch.
        var readable = true;
        if (kinesisEvent.Window is null)
        {
            _velocity.Clear();
            _incidents.Clear();
        }
        else
        {
            readable = LoadState(kinesisEvent.State.Span);
        }

        _incidents.BeginBatch(kinesisEvent.Window, kinesisEvent.ShardId);
        return readable;
    }

    /// <summary>
    /// Loads the window state: velocity counts (<see cref="VelocityCounter"/>) and incidents (<see cref="WindowIncidents"/>,
    /// member <c>i</c>). Our own last answer, handed back unchanged, is already loaded.
    /// </summary>
    private bool LoadState(ReadOnlySpan<byte> state)
    {
        if (state.SequenceEqual(_velocity.State.Span) && _answer.WrittenCount == 0)
        {
            _incidents.Clear();
            return true;
        }

        if (_answer.WrittenCount > 0 && state.SequenceEqual(_answer.WrittenSpan))
        {
            return true;
        }

        _answer.ResetWrittenCount();
        if (!_velocity.Load(state))
        {
            _incidents.Clear();
            return false;
        }

        return _incidents.LoadState(state);
    }

    /// <summary>The window state to answer with: the velocity counts, and the incidents when there are any.</summary>
    private ReadOnlyMemory<byte> AnswerState()
    {
        _answer.ResetWrittenCount();
        var velocity = _velocity.State;
        if (_incidents.IsEmpty)
        {
            return velocity;
        }

        _answer.Write(velocity.Span[..^1]);
        _answer.Write(velocity.Length > 2 ? ",\"i\":"u8 : "\"i\":"u8);
        _scratchWriter.Reset(_answer);
        _incidents.WriteState(_scratchWriter);
        _scratchWriter.Flush();
        _scratchWriter.Reset(_scratch);
        _answer.Write("}"u8);
        return _answer.WrittenMemory;
    }

    private void ProcessRecord(int index, KinesisEventRecord record, string? shardId, Activity? batch)
    {
        using var transactionSpan = StartTransactionSpan(batch);
        var span = transactionSpan.Activity;
        var outcome = new TransactionOutcome { EntryIndex = -1, TraceId = span?.TraceId ?? default };
        var transaction = _transaction;
        var now = _time.GetUtcNow();
        if (record.ApproximateArrivalTimestamp > 0)
        {
            // Kinesis stamps arrival to the millisecond, so latency is measured in whole milliseconds.
            outcome.LatencyMilliseconds = Math.Max(0, (long)(now - record.ArrivalTime).TotalMilliseconds);
        }

        using (StartSpan(ProcessorTelemetry.Spans.Validation))
        {
            Read(record.Data.Span);
        }

        outcome.Status = transaction.Status;
        outcome.Type = transaction.Type;
        outcome.Amount = transaction.Amount;
        outcome.MaskedPans = transaction.MaskedPans;

        RiskAssessment? risk = null;
        int? windowCount = null;
        using (StartSpan(ProcessorTelemetry.Spans.Processing))
        {
            if (outcome.Status != TransactionStatus.Error)
            {
                var policy = _options.Risk;
                var count = _velocity.Increment(EntityKey(record.PartitionKey.Span), out outcome.EntityHash);
                outcome.Counted = true;

                // The producer may see across partition keys; its count wins when it is higher.
                windowCount = Math.Max(count, transaction.TransactionCount ?? 0);
                var assessment = RiskScorer.Assess(transaction, windowCount.Value, policy);
                risk = assessment;
                var country = transaction.Text(TransactionField.MerchantCountry);
                outcome.IsHighValue = transaction.Amount > policy.HighValueThreshold;
                outcome.IsVelocityExceeded = windowCount > policy.VelocityThreshold;
                outcome.IsSuspectedFraud = assessment.Score > policy.FraudScoreThreshold
                    && !country.IsEmpty && !policy.IsStandardCountry(country);
            }

            outcome.Alerts = DecideAlerts(index, record, now, ref outcome);
        }

        using (StartSpan(ProcessorTelemetry.Spans.Routing))
        {
            var start = _details.WrittenCount;
            TransactionDetailWriter.Write(
                _detailWriter, transaction, risk, windowCount, record.SequenceNumber.Span, shardId,
                outcome.Alerts, (outcome.Alerts & AlertKind.Velocity) != 0 ? EntityKey(record.PartitionKey.Span) : default);
            _detailWriter.Flush();
            _detailWriter.Reset();
            outcome.DetailOffset = start;
            outcome.DetailLength = _details.WrittenCount - start;
            outcome.RulesOffset = _matchedRules.Count;
            var publish = _routing.Route(_details.WrittenSpan.Slice(start, outcome.DetailLength), _matchedRules);
            outcome.RulesCount = _matchedRules.Count - outcome.RulesOffset;
            if (publish)
            {
                outcome.EntryIndex = _entryCount;
                _entryRecords[_entryCount++] = index;
            }
        }

        if (span is { IsAllDataRequested: true })
        {
            TagTransaction(span, transaction, outcome, risk, record.SequenceNumberText);
        }

        _outcomes[index] = outcome;
    }

    /// <summary>
    /// The incidents the record raises, and which of them it is notified for: every high-value and suspected-fraud
    /// approved transaction, an entity's first count over the velocity threshold in the window, and a failure of each
    /// error code (the first that finds the lane with a token: one per code and window); as many as the lane's paced share of <see cref="ProcessorOptions.AlertsPerWindow"/>
    /// allows (<see cref="LaneAlertBudget"/>). The rest are counted for the window's summary. A <see cref="VerifyProbe"/>'s
    /// incidents are all notified, outside the budget.
    /// </summary>
    private AlertKind DecideAlerts(int index, KinesisEventRecord record, DateTimeOffset now, ref TransactionOutcome outcome)
    {
        var alerts = AlertKind.None;
        if (outcome.Status == TransactionStatus.Approved)
        {
            if (outcome.IsHighValue)
            {
                alerts |= Incident(index, record, now, AlertKind.HighValue, notify: true);
            }

            if (outcome.IsSuspectedFraud)
            {
                alerts |= Incident(index, record, now, AlertKind.Fraud, notify: true);
            }
        }

        if (outcome.IsVelocityExceeded && _velocity.TryMarkAlerted(outcome.EntityHash))
        {
            outcome.VelocityExceedRecorded = true;
            alerts |= Incident(index, record, now, AlertKind.Velocity, notify: true);
        }

        if (outcome.Status != TransactionStatus.Approved && _transaction.PrimaryError is { } code)
        {
            alerts |= Incident(index, record, now, AlertKind.Failed, notify: !_incidents.IsCodeAlerted(code), code);
        }

        return alerts;
    }

    private AlertKind Incident(int index, KinesisEventRecord record, DateTimeOffset now, AlertKind kind, bool notify, ValidationErrorCode? code = null)
    {
        // Only records with an incident pay for the probe check; a probe is notified even when its code was alerted.
        var probe = _transaction.HasText(TransactionField.TransactionId) && VerifyProbe.IsProbe(_transaction.Text(TransactionField.TransactionId));
        string? id = null, sequence = null, entity = null;
        if (kind != AlertKind.Velocity && _incidents.WantsExample(kind))
        {
            id = _transaction.HasText(TransactionField.TransactionId) ? Encoding.UTF8.GetString(_transaction.Text(TransactionField.TransactionId)) : null;
            sequence = record.SequenceNumberText;
        }

        if (kind == AlertKind.Velocity && _incidents.WantsEntity)
        {
            entity = Encoding.UTF8.GetString(EntityKey(record.PartitionKey.Span));
        }

        return _incidents.Raise(index, kind, notify || probe, probe, now, code, id, sequence, entity) ? kind : AlertKind.None;
    }

    private void Read(ReadOnlySpan<byte> base64)
    {
        // Decoded size is within two bytes of the estimate: refuse a certainly-too-large record before decoding.
        var maxDecoded = Base64.GetMaxDecodedFromUtf8Length(base64.Length);
        if (maxDecoded - 2 > _options.MaxRecordBytes)
        {
            _transaction.Fail(ValidationErrorCode.RecordTooLarge);
            return;
        }

        if (_data.Length < maxDecoded)
        {
            _data = new byte[Math.Max(maxDecoded, _data.Length * 2)];
        }

        if (Base64.DecodeFromUtf8(base64, _data, out _, out var length) != OperationStatus.Done)
        {
            _transaction.Fail(ValidationErrorCode.InvalidBase64);
            return;
        }

        TransactionReader.Read(_data.AsSpan(0, length), _transaction, _options.MaxRecordBytes);
        TransactionValidator.Validate(_transaction);
    }

    /// <summary>The card token, else the account token, else the partition key (masked: it may be a PAN too).</summary>
    private ReadOnlySpan<byte> EntityKey(ReadOnlySpan<byte> partitionKey)
    {
        var key = _transaction.EntityKey;
        if (!key.IsEmpty)
        {
            return key;
        }

        if (_key.Length < partitionKey.Length)
        {
            _key = new byte[partitionKey.Length];
        }

        var masked = _key.AsSpan(0, partitionKey.Length);
        partitionKey.CopyTo(masked);
        _ = PanMasker.MaskInPlace(masked);
        return masked;
    }

    private async ValueTask<PublishOutcome> PublishAsync(CancellationToken cancellationToken)
    {
        if (_entryCount == 0)
        {
            return new PublishOutcome([], null);
        }

        var details = _details.WrittenMemory;
        var time = _time.GetUtcNow();
        for (var i = 0; i < _entryCount; i++)
        {
            ref readonly var outcome = ref _outcomes[_entryRecords[i]];
            _entries[i] = new EventEntry(
                _options.EventSource, _options.DetailType, details.Slice(outcome.DetailOffset, outcome.DetailLength),
                _options.EventBusName, time);
        }

        using var publishSpan = StartSpan(ProcessorTelemetry.Spans.Publish, ActivityKind.Producer);
        var span = publishSpan.Activity;
        span?.SetTag(ProcessorTelemetry.Tags.EntryCount, _entryCount);
        IReadOnlyList<int> failedEntries;
        string? error = null;
        try
        {
            failedEntries = (await _publisher.PublishAsync(_entries.AsMemory(0, _entryCount), cancellationToken)
                .ConfigureAwait(false)).FailedEntries;
        }
#pragma warning disable CA1031 // Any publisher fault (timeout, network, bug) must become batchItemFailures, not a crash.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = $"{e.GetType().Name}: {e.Message}";
            failedEntries = Enumerable.Range(0, _entryCount).ToList();
        }

        var failedRecords = new List<int>(failedEntries.Count);
        foreach (var entry in failedEntries)
        {
            if ((uint)entry >= (uint)_entryCount)
            {
                throw new InvalidOperationException(
                    $"The event publisher reported entry {entry} as failed, but it was given {_entryCount} entries.");
            }

            failedRecords.Add(_entryRecords[entry]);
        }

        failedRecords.Sort();
        if (failedRecords.Count > 0)
        {
            span?.SetStatus(ActivityStatusCode.Error, error ?? $"{failedRecords.Count} entries not published");
        }

        return new PublishOutcome(failedRecords, error);
    }

    private void WriteLogLine(in TransactionOutcome outcome)
    {
        var writer = StartLogLine(outcome.Status switch
        {
            TransactionStatus.Approved => LogText.Info,
            TransactionStatus.Failed => LogText.Warn,
            _ => LogText.Error,
        }, LogText.TransactionProcessed, outcome.TraceId);
        if (outcome.LatencyMilliseconds is { } latency)
        {
            writer.WriteNumber("latency_ms"u8, latency);
        }

        writer.WriteBoolean("published"u8, outcome.EntryIndex >= 0);
        writer.WriteStartArray("matched_rules"u8);
        for (var i = 0; i < outcome.RulesCount; i++)
        {
            writer.WriteStringValue(_matchedRules[outcome.RulesOffset + i]);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();

        // Splice: the metadata object without its closing brace, then the detail without its opening brace.
        _logs.Write(_scratch.WrittenSpan[..^1]);
        _logs.Write(","u8);
        _logs.Write(_details.WrittenSpan.Slice(outcome.DetailOffset + 1, outcome.DetailLength - 1));
        _logs.Write("\n"u8);
    }

    private void WriteBatchLogLines(
        KinesisEvent kinesisEvent, int retryFrom, PublishOutcome publish, bool stateReadable, int evicted)
    {
        var records = kinesisEvent.Records;
        if (retryFrom < records.Count)
        {
            var writer = StartLogLine(LogText.Warn, LogText.NotPublished);
            writer.WriteString("first_failed_sequence_number"u8, records[retryFrom].SequenceNumber.Span);
            writer.WriteNumber("failed_entries"u8, publish.FailedRecords.Count);
            writer.WriteNumber("records_redelivered"u8, records.Count - retryFrom);
            writer.WriteString("error"u8, publish.Error ?? "the publisher reported failed entries");
            EndLogLine(writer, kinesisEvent.ShardId);
        }

        if (!stateReadable)
        {
            EndLogLine(StartLogLine(LogText.Warn, LogText.StateUnreadable), kinesisEvent.ShardId);
        }

        if (evicted > 0)
        {
            var writer = StartLogLine(LogText.Warn, LogText.StateFull);
            writer.WriteNumber("entities_dropped"u8, evicted);
            EndLogLine(writer, kinesisEvent.ShardId);
        }

        if (kinesisEvent.IsFinalInvokeForWindow && kinesisEvent.Window is { } window)
        {
            var writer = StartLogLine(LogText.Info, LogText.WindowClosed);
            writer.WriteString("window_start"u8, window.Start.UtcDateTime);
            writer.WriteString("window_end"u8, window.End.UtcDateTime);
            writer.WriteNumber("entities"u8, _velocity.Count);
            writer.WriteBoolean("terminated_early"u8, kinesisEvent.IsWindowTerminatedEarly);
            EndLogLine(writer, kinesisEvent.ShardId);
        }
    }

    private Utf8JsonWriter StartLogLine(JsonEncodedText level, JsonEncodedText message) => StartLogLine(level, message, _batchTraceId);

    private Utf8JsonWriter StartLogLine(JsonEncodedText level, JsonEncodedText message, ActivityTraceId traceId)
    {
        _scratch.ResetWrittenCount();
        _scratchWriter.Reset();
        _scratchWriter.WriteStartObject();
        _scratchWriter.WriteString("time"u8, _logTime); // not "timestamp": that is the transaction's own field
        _scratchWriter.WriteString("level"u8, level);
        _scratchWriter.WriteString("message"u8, message);
        if (traceId != default)
        {
            // In X-Ray's form: a Logs Insights query on transaction_id gives the trace to open (docs/tracing.md).
            Span<byte> xray = stackalloc byte[TraceIds.XRayLength];
            TraceIds.WriteXRay(traceId, xray);
            _scratchWriter.WriteString("trace_id"u8, xray);
        }

        return _scratchWriter;
    }

    private void EndLogLine(Utf8JsonWriter writer, string? shardId)
    {
        if (shardId is not null)
        {
            writer.WriteString("shard_id"u8, shardId);
        }

        writer.WriteEndObject();
        writer.Flush();
        _logs.Write(_scratch.WrittenSpan);
        _logs.Write("\n"u8);
    }

    private void TagTransaction(
        Activity span, Transaction transaction, in TransactionOutcome outcome, RiskAssessment? risk, string sequenceNumber)
    {
        span.SetTag(ProcessorTelemetry.Tags.SequenceNumber, sequenceNumber);
        span.SetTag(ProcessorTelemetry.Tags.Status, outcome.Status.ToWireName());
        span.SetTag(ProcessorTelemetry.Tags.Type, outcome.Type.ToWireName());
        if (transaction.HasText(TransactionField.TransactionId))
        {
            var id = Encoding.UTF8.GetString(transaction.Text(TransactionField.TransactionId));
            span.SetTag(ProcessorTelemetry.Tags.TransactionId, id);
            if (outcome.Status != TransactionStatus.Approved)
            {
                AppendId(_failedIds, id);
            }

            if (outcome.EntryIndex >= 0)
            {
                AppendId(_routedIds, id);
            }
        }

        if (transaction.HasText(TransactionField.MerchantCountry))
        {
            span.SetTag(ProcessorTelemetry.Tags.Country, Encoding.UTF8.GetString(transaction.Text(TransactionField.MerchantCountry)));
        }

        if (transaction.PrimaryError is { } error)
        {
            span.SetTag(ProcessorTelemetry.Tags.ErrorCode, error.ToWireName());
        }

        if (risk is { } assessment)
        {
            span.SetTag(ProcessorTelemetry.Tags.RiskScore, assessment.Score);
        }

        span.SetTag(ProcessorTelemetry.Tags.Published, outcome.EntryIndex >= 0);
        span.SetTag(ProcessorTelemetry.Tags.MatchedRules, outcome.RulesCount switch
        {
            0 => "",
            1 => _matchedRules[outcome.RulesOffset],
            _ => string.Join(',', _matchedRules.GetRange(outcome.RulesOffset, outcome.RulesCount)),
        });
    }

    /// <summary>The batch's facts for finding it: counts, and the failed and routed transactions' ids.</summary>
    private void TagBatch(Activity batch, int records)
    {
        int failed = 0, routed = 0;
        for (var i = 0; i < records; i++)
        {
            failed += _outcomes[i].Status == TransactionStatus.Approved ? 0 : 1;
            routed += _outcomes[i].EntryIndex >= 0 ? 1 : 0;
        }

        batch.SetTag(ProcessorTelemetry.Tags.FailedCount, failed);
        batch.SetTag(ProcessorTelemetry.Tags.RoutedCount, routed);
        if (_failedIds.Length > 0)
        {
            batch.SetTag(ProcessorTelemetry.Tags.FailedTransactionIds, _failedIds.ToString());
        }

        if (_routedIds.Length > 0)
        {
            batch.SetTag(ProcessorTelemetry.Tags.RoutedTransactionIds, _routedIds.ToString());
        }
    }

    /// <summary>Adds an id to a comma-separated list while the whole list stays within the tag's limit.</summary>
    private static void AppendId(StringBuilder ids, string id)
    {
        var length = ids.Length + (ids.Length > 0 ? 1 : 0) + id.Length;
        if (length <= ProcessorTelemetry.MaxIdListLength)
        {
            ids.Append(ids.Length > 0 ? "," : "").Append(id);
        }
    }

    /// <summary>
    /// The batch span: a child of Lambda's function segment when the invocation was sampled, else the root of a new
    /// trace (an X-Ray-compatible id). Null when the mode is off or nothing listens.
    /// </summary>
    private TimedSpan StartBatchSpan(in TraceParent parent)
    {
        if (_tracing.Mode == TraceMode.Off || !_tracing.Source.HasListeners())
        {
            return default;
        }

        var now = _time.GetUtcNow();
        var context = parent.Context != default
            ? parent.Context
            : new ActivityContext(TraceIds.New(now), default, ActivityTraceFlags.Recorded);
        var outer = Activity.Current;
        return new TimedSpan(StartRoot(ProcessorTelemetry.Spans.Batch, ActivityKind.Consumer, context, links: null, now), _time, restores: true, outer);
    }

    /// <summary>A transaction's span: a child of the batch, or in transaction mode the root of its own trace, linked to the batch.</summary>
    private TimedSpan StartTransactionSpan(Activity? batch)
    {
        if (batch is null || _tracing.Mode != TraceMode.Transaction)
        {
            return StartSpan(ProcessorTelemetry.Spans.Transaction);
        }

        var now = _time.GetUtcNow();
        var context = new ActivityContext(TraceIds.New(now), default, ActivityTraceFlags.Recorded);
        var span = StartRoot(ProcessorTelemetry.Spans.Transaction, ActivityKind.Internal, context, [new ActivityLink(batch.Context)], now);
        // The transaction's own trace ends with it; the batch is current again for the next record and the publish.
        return new TimedSpan(span, _time, restores: true, batch);
    }

    /// <summary>A child of the current span, timed on the processor's clock.</summary>
    private TimedSpan StartSpan(string name, ActivityKind kind = ActivityKind.Internal) =>
        !_traced
            ? default
            : new TimedSpan(_tracing.Source.StartActivity(name, kind, default(ActivityContext), startTime: _time.GetUtcNow()), _time);

    /// <summary>
    /// Starts a span in <paramref name="context"/>'s trace. A span started while another is current becomes that one's
    /// child whatever context it is given, so the current span steps aside first.
    /// </summary>
    private Activity? StartRoot(string name, ActivityKind kind, ActivityContext context, ActivityLink[]? links, DateTimeOffset start)
    {
        var current = Activity.Current;
        Activity.Current = null;
        var span = _tracing.Source.StartActivity(name, kind, context, tags: null, links, start);
        if (span is null)
        {
            Activity.Current = current;
        }

        return span;
    }

    public void Dispose()
    {
        _detailWriter.Dispose();
        _scratchWriter.Dispose();
    }

    /// <summary>The log lines' fixed texts, encoded once.</summary>
    private static class LogText
    {
        public static readonly JsonEncodedText Info = JsonEncodedText.Encode("INFO");
        public static readonly JsonEncodedText Warn = JsonEncodedText.Encode("WARN");
        public static readonly JsonEncodedText Error = JsonEncodedText.Encode("ERROR");
        public static readonly JsonEncodedText TransactionProcessed = JsonEncodedText.Encode("transaction processed");
        public static readonly JsonEncodedText NotPublished =
            JsonEncodedText.Encode("events not published; Lambda will redeliver the records from the first failure");
        public static readonly JsonEncodedText StateUnreadable =
            JsonEncodedText.Encode("window state unreadable; velocity counts restart for this window");
        public static readonly JsonEncodedText StateFull =
            JsonEncodedText.Encode("window state full; entities with the lowest counts were not carried forward");
        public static readonly JsonEncodedText WindowClosed = JsonEncodedText.Encode("velocity window closed");
    }

    /// <summary>
    /// A span ended on the processor's clock (<see cref="TimeProvider"/>), so that its times agree with the logs and
    /// metrics of the same batch on any clock, a test's fake one included.
    /// </summary>
    /// <remarks>A span started in a context of its own (a root) makes <paramref name="previous"/> current again when it ends.</remarks>
    private readonly struct TimedSpan(Activity? activity, TimeProvider time, bool restores = false, Activity? previous = null) : IDisposable
    {
        public Activity? Activity => activity;

        public void Dispose()
        {
            if (activity is null)
            {
                return;
            }

            activity.SetEndTime(time.GetUtcNow().UtcDateTime);
            activity.Dispose();
            if (restores)
            {
                Activity.Current = previous;
            }
        }
    }

    /// <summary>Records (by index, ascending) whose entries were not published, and the publisher's fault if it threw.</summary>
    private readonly record struct PublishOutcome(List<int> FailedRecords, string? Error);
}
