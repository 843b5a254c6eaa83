using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Encodings.Web;
using System.Text.Json;
using Paywatch.Core.Telemetry;
using Paywatch.Core.Transactions;

namespace Paywatch.Aws.XRay;

/// <summary>
/// Sends the processor's spans (<see cref="ProcessorTelemetry.ActivitySourceName"/>) to the X-Ray daemon as segment
/// documents over its UDP protocol: each datagram is the header <c>{"format": "json", "version": 1}</c>, a newline,
/// and one document ("Sending segment documents to the X-Ray daemon",
/// https://docs.aws.amazon.com/xray/latest/devguide/xray-api-sendingdata.html#xray-api-daemon).
/// </summary>
/// <remarks>
/// <para>Every transaction is traced (docs/tracing.md has the reasoning): each <c>Transaction</c> span becomes a
/// segment of its own, in a trace of its own, with <c>Validation</c>, <c>Processing</c> and <c>Routing</c> embedded
/// as subsegments and annotations linking it to the invocation (<c>invocation_trace_id</c>, <c>request_id</c>).
/// The batch span (<c>ProcessBatch</c>) and the publish (<c>PublishEvents</c>) join Lambda's own trace as
/// subsegments of the function segment when Lambda sampled the invocation, and form a trace of their own otherwise.</para>
/// <para>Annotations come from an allow-list of tags (none of which carries card data) and every string value is
/// passed through <see cref="PanMasker"/> as well, so a card number that slipped into a tag still never leaves.</para>
/// <para>Cheap on the handler's thread: one UDP send per transaction, documents written into one reused buffer,
/// send errors counted, never thrown.</para>
/// </remarks>
public sealed class XRayExporter : IDisposable
{
    /// <summary>The line the daemon expects before each document.</summary>
    public const string Header = "{\"format\": \"json\", \"version\": 1}\n";

    /// <summary>The largest datagram sent: the daemon reads at most 64 KB per datagram.</summary>
    public const int MaxDatagramBytes = (64 * 1024) - 1;

    /// <summary>String annotations are cut to this many characters, so a document always fits a datagram.</summary>
    public const int MaxAnnotationLength = 1000;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Tag → annotation key. X-Ray annotation keys allow only letters, digits and underscores.
    private static readonly Dictionary<string, string> Annotations = new(StringComparer.Ordinal)
    {
        [ProcessorTelemetry.Tags.TransactionId] = "transaction_id",
        [ProcessorTelemetry.Tags.Type] = "transaction_type",
        [ProcessorTelemetry.Tags.Status] = "status",
        [ProcessorTelemetry.Tags.Country] = "merchant_country",
        [ProcessorTelemetry.Tags.ErrorCode] = "error_code",
        [ProcessorTelemetry.Tags.RiskScore] = "risk_score",
        [ProcessorTelemetry.Tags.MatchedRules] = "matched_rules",
        [ProcessorTelemetry.Tags.Published] = "published",
        [ProcessorTelemetry.Tags.ShardId] = "shard_id",
        [ProcessorTelemetry.Tags.RecordCount] = "records",
        [ProcessorTelemetry.Tags.FailureCount] = "item_failures",
        [ProcessorTelemetry.Tags.EntryCount] = "entries",
    };

    private static readonly byte[] HeaderBytes = Encoding.UTF8.GetBytes(Header);

    private readonly ActivityListener _listener;
    private readonly Socket _socket;
    private readonly IPEndPoint _daemon;
    private readonly Lock _lock = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;
    private readonly List<FinishedSpan> _children = [];
    private readonly Dictionary<ActivitySpanId, string> _batchTraces = [];
    private byte[] _scratch = new byte[256];
    private Invocation? _invocation;
    private long _sent;
    private long _dropped;

    /// <param name="serviceName">The segments' <c>name</c>: the service as X-Ray's service map shows it.</param>
    public XRayExporter(IPEndPoint daemon, string serviceName = "paywatch-processor")
    {
        _daemon = daemon ?? throw new ArgumentNullException(nameof(daemon));
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ServiceName = serviceName;
        _socket = new Socket(daemon.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _writer = new Utf8JsonWriter(_buffer, WriterOptions);
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ProcessorTelemetry.ActivitySourceName,

            // 100 %: every span is recorded with its tags; which trace it lands in is decided at export.
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public string ServiceName { get; }

    /// <summary>Datagrams handed to the socket.</summary>
    public long DocumentsSent => Interlocked.Read(ref _sent);

    /// <summary>Documents not sent: over the datagram size, or the socket refused them.</summary>
    public long DocumentsDropped => Interlocked.Read(ref _dropped);

    /// <summary>An exporter for Lambda: the daemon from <c>AWS_XRAY_DAEMON_ADDRESS</c>, named after <c>AWS_LAMBDA_FUNCTION_NAME</c>.</summary>
    public static XRayExporter FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var name = environment("AWS_LAMBDA_FUNCTION_NAME");
        return new XRayExporter(XRayDaemonAddress.FromEnvironment(environment), string.IsNullOrWhiteSpace(name) ? "paywatch-processor" : name);
    }

    /// <summary>
    /// The invocation the next batch belongs to: the host calls this with the Runtime API's
    /// <c>Lambda-Runtime-Trace-Id</c> and <c>Lambda-Runtime-Aws-Request-Id</c> before handing the batch over.
    /// </summary>
    public void SetInvocation(XRayTraceContext? trace, string? requestId) =>
        Volatile.Write(ref _invocation, new Invocation(trace, requestId));

    public void Dispose()
    {
        _listener.Dispose();
        _socket.Dispose();
        _writer.Dispose();
    }

    private void OnStopped(Activity activity)
    {
        lock (_lock)
        {
            switch (activity.OperationName)
            {
                case ProcessorTelemetry.Spans.Validation or ProcessorTelemetry.Spans.Processing or ProcessorTelemetry.Spans.Routing:
                    _children.Add(new FinishedSpan(activity.OperationName, activity.SpanId, activity.ParentSpanId,
                        activity.StartTimeUtc, activity.StartTimeUtc + activity.Duration, activity.Status == ActivityStatusCode.Error));
                    break;
                case ProcessorTelemetry.Spans.Transaction:
                    WriteTransaction(activity);
                    Send();
                    break;
                case ProcessorTelemetry.Spans.Publish:
                    WriteBatchPart(activity, activity.ParentSpanId, isBatch: false);
                    Send();
                    break;
                case ProcessorTelemetry.Spans.Batch:
                    WriteBatchPart(activity, activity.SpanId, isBatch: true);
                    Send();
                    _batchTraces.Remove(activity.SpanId);
                    _children.Clear();
                    break;
            }
        }
    }

    private void WriteTransaction(Activity activity)
    {
        var writer = Start();
        writer.WriteString("name"u8, ServiceName);
        writer.WriteString("id"u8, activity.SpanId.ToHexString());
        writer.WriteString("trace_id"u8, XRayIds.NewTraceId(activity.StartTimeUtc));
        WriteTimes(writer, activity.StartTimeUtc, activity.StartTimeUtc + activity.Duration);
        var status = activity.GetTagItem(ProcessorTelemetry.Tags.Status) as string;
        if (status is "FAILED" or "ERROR")
        {
            // X-Ray's "error" is a client error: bad data from the producer, not a fault of the processor.
            writer.WriteBoolean("error"u8, true);
        }

        if (activity.Status == ActivityStatusCode.Error)
        {
            writer.WriteBoolean("fault"u8, true);
        }

        var invocation = Volatile.Read(ref _invocation);
        WriteAnnotations(writer, activity, invocation);
        writer.WriteStartObject("metadata"u8);
        writer.WriteStartObject("paywatch"u8);
        if (activity.GetTagItem(ProcessorTelemetry.Tags.SequenceNumber) is string sequence)
        {
            WriteMasked(writer, "sequence_number", sequence);
        }

        if (activity.Parent is { } batch)
        {
            writer.WriteString("batch_span_id"u8, batch.SpanId.ToHexString());
        }

        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteStartArray("subsegments"u8);
        var spanId = activity.SpanId;
        var kept = 0;
        for (var i = 0; i < _children.Count; i++)
        {
            var child = _children[i];
            if (child.ParentId != spanId)
            {
                _children[kept++] = child;
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("name"u8, child.Name);
            writer.WriteString("id"u8, child.Id.ToHexString());
            WriteTimes(writer, child.Start, child.End);
            if (child.Fault)
            {
                writer.WriteBoolean("fault"u8, true);
            }

            writer.WriteEndObject();
        }

        _children.RemoveRange(kept, _children.Count - kept);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The batch span or the publish span: in Lambda's trace when it sampled the invocation, else in the batch's own trace.</summary>
    private void WriteBatchPart(Activity activity, ActivitySpanId batchId, bool isBatch)
    {
        var invocation = Volatile.Read(ref _invocation);
        var inLambdaTrace = invocation?.Trace is { Sampled: true, ParentId: not null };
        var writer = Start();
        string traceId;
        if (inLambdaTrace)
        {
            traceId = invocation!.Trace!.TraceId;
        }
        else if (!_batchTraces.TryGetValue(batchId, out traceId!))
        {
            traceId = XRayIds.NewTraceId(activity.Parent?.StartTimeUtc ?? activity.StartTimeUtc);
            _batchTraces[batchId] = traceId;
        }

        var ownSegment = isBatch && !inLambdaTrace;
        writer.WriteString("name"u8, ownSegment ? ServiceName : activity.OperationName);
        writer.WriteString("id"u8, activity.SpanId.ToHexString());
        writer.WriteString("trace_id"u8, traceId);
        if (!ownSegment)
        {
            // Sent on its own, a subsegment names its parent and says what it is.
            writer.WriteString("type"u8, "subsegment"u8);
            writer.WriteString("parent_id"u8, isBatch ? invocation!.Trace!.ParentId : batchId.ToHexString());
        }

        if (!isBatch)
        {
            writer.WriteString("namespace"u8, "aws"u8);
            writer.WriteStartObject("aws"u8);
            writer.WriteString("operation"u8, "PutEvents"u8);
            writer.WriteEndObject();
        }

        WriteTimes(writer, activity.StartTimeUtc, activity.StartTimeUtc + activity.Duration);
        if (activity.Status == ActivityStatusCode.Error)
        {
            writer.WriteBoolean("fault"u8, true);
        }

        WriteAnnotations(writer, activity, invocation);
        writer.WriteEndObject();
    }

    private Utf8JsonWriter Start()
    {
        _buffer.ResetWrittenCount();
        _buffer.Write(HeaderBytes);
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        return _writer;
    }

    private void Send()
    {
        _writer.Flush();
        if (_buffer.WrittenCount > MaxDatagramBytes)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        try
        {
            _socket.SendTo(_buffer.WrittenSpan, SocketFlags.None, _daemon);
            Interlocked.Increment(ref _sent);
        }
        catch (SocketException)
        {
            // No daemon listening (ICMP port unreachable) or a full buffer: tracing must never fail a batch.
            Interlocked.Increment(ref _dropped);
        }
    }

    private void WriteAnnotations(Utf8JsonWriter writer, Activity activity, Invocation? invocation)
    {
        writer.WriteStartObject("annotations"u8);
        foreach (var (tag, value) in activity.EnumerateTagObjects())
        {
            if (value is null || !Annotations.TryGetValue(tag, out var key))
            {
                continue;
            }

            switch (value)
            {
                case bool flag:
                    writer.WriteBoolean(key, flag);
                    break;
                case int or long or short or byte:
                    writer.WriteNumber(key, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case double or float or decimal:
                    var number = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
                    if (double.IsFinite(number))
                    {
                        writer.WriteNumber(key, number);
                    }

                    break;
                default:
                    WriteMasked(writer, key, value as string ?? value.ToString() ?? "");
                    break;
            }
        }

        if (invocation?.Trace is { } trace)
        {
            writer.WriteString("invocation_trace_id"u8, trace.TraceId);
        }

        if (invocation?.RequestId is { } requestId)
        {
            WriteMasked(writer, "request_id", requestId);
        }

        writer.WriteEndObject();
    }

    private void WriteMasked(Utf8JsonWriter writer, string key, string value)
    {
        var text = value.Length > MaxAnnotationLength ? value.AsSpan(0, MaxAnnotationLength) : value.AsSpan();
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        }

        var utf8 = _scratch.AsSpan(0, Encoding.UTF8.GetBytes(text, _scratch));
        _ = PanMasker.MaskInPlace(utf8);
        writer.WriteString(key, utf8);
    }

    private static void WriteTimes(Utf8JsonWriter writer, DateTime start, DateTime end)
    {
        // Epoch seconds with microseconds as the fraction, written as a plain decimal (never in exponent form).
        writer.WriteNumber("start_time"u8, EpochSeconds(start));
        writer.WriteNumber("end_time"u8, EpochSeconds(end));
    }

    private static decimal EpochSeconds(DateTime time) =>
        Math.Round((time - DateTime.UnixEpoch).Ticks / (decimal)TimeSpan.TicksPerSecond, 6);

    private readonly record struct FinishedSpan(string Name, ActivitySpanId Id, ActivitySpanId ParentId, DateTime Start, DateTime End, bool Fault);

    private sealed record Invocation(XRayTraceContext? Trace, string? RequestId);
}
