using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Encodings.Web;
using System.Text.Json;
using OpenTelemetry;
using Paywatch.Core.Telemetry;
using Paywatch.Core.Transactions;

namespace Paywatch.Aws.XRay;

/// <summary>
/// An OpenTelemetry exporter that sends the processor's spans to the X-Ray daemon as segment documents over its UDP
/// protocol: each datagram is the header <c>{"format": "json", "version": 1}</c>, a newline, and one document
/// ("Sending segment documents to the X-Ray daemon",
/// https://docs.aws.amazon.com/xray/latest/devguide/xray-api-sendingdata.html#xray-api-daemon). Run it behind a
/// <see cref="SimpleActivityExportProcessor"/>: it sends as each trace's root span ends, which is before the host posts
/// the invocation's response (Lambda freezes the environment after that).
/// </summary>
/// <remarks>
/// <para>A trace is whatever the processor made a root (docs/tracing.md): in <see cref="TraceMode.Invocation"/> the
/// batch, with each transaction a subsegment holding its Validation, Processing and Routing; in
/// <see cref="TraceMode.Transaction"/> each transaction on its own. Spans are held until their root ends, then written as
/// one document: the root is a segment, or, when it has a parent from elsewhere (Lambda's function segment, for a
/// sampled invocation), a subsegment sent on its own. A document larger than a datagram is split: the root without
/// its transactions, then the transactions, as many to a document as fit, under <c>Transactions</c> subsegments of
/// the batch sent on their own.</para>
/// <para>X-Ray indexes at most 50 annotations per trace, so only a root carries annotations, from an allow-list of
/// tags none of which holds card data; a transaction inside a batch keeps its facts as metadata. Every string value
/// passes through <see cref="PanMasker"/> as well, and is cut to <see cref="MaxAnnotationLength"/> characters.</para>
/// </remarks>
public sealed class XRayExporter : BaseExporter<Activity>
{
    /// <summary>The line the daemon expects before each document.</summary>
    public const string Header = "{\"format\": \"json\", \"version\": 1}\n";

    /// <summary>The largest datagram sent: the daemon reads at most 64 KB per datagram.</summary>
    public const int MaxDatagramBytes = (64 * 1024) - 1;

    /// <summary>String annotations are cut to this many characters, so a document always fits a datagram.</summary>
    public const int MaxAnnotationLength = 1000;

    /// <summary>
    /// A batch's transactions are sent in a group once they reach this size: a group then fits one datagram with room
    /// for the largest transaction subsegment (eight tags cut to <see cref="MaxAnnotationLength"/> characters).
    /// </summary>
    private const int GroupBytes = MaxDatagramBytes - (16 * 1024);

    /// <summary>Room kept for the end of a group document: the array's end, the times, the object's end.</summary>
    private const int GroupClosingBytes = 128;

    /// <summary>Spans held for roots that have not ended yet; beyond it they are dropped (a root that never ends).</summary>
    private const int MaxHeldSpans = 100_000;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Tag → annotation key (X-Ray annotation keys allow only letters, digits and underscores).
    private static readonly Dictionary<string, string> Keys = new(StringComparer.Ordinal)
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
        [ProcessorTelemetry.Tags.FailedCount] = "failed",
        [ProcessorTelemetry.Tags.RoutedCount] = "routed",
        [ProcessorTelemetry.Tags.FailedTransactionIds] = "failed_transaction_ids",
        [ProcessorTelemetry.Tags.RoutedTransactionIds] = "routed_transaction_ids",
        [ProcessorTelemetry.Tags.InvocationId] = "request_id",
        [ProcessorTelemetry.Tags.EntryCount] = "entries",
        [ProcessorTelemetry.Tags.SequenceNumber] = "sequence_number",
    };

    /// <summary>
    /// The key a processor tag is written under (an annotation on the root, metadata elsewhere), or null when the
    /// exporter leaves the tag out; the twin's X-Ray API names tags as this exporter does.
    /// </summary>
    public static string? TagKey(string tag) => Keys.GetValueOrDefault(tag);

    /// <summary>
    /// Whether a tag's text passes through <see cref="PanMasker"/>: every tag's but the record's sequence number. Kinesis
    /// assigns it, so no producer's data is in it, and it is what a record is looked up by; masked, its 56 digits read
    /// as a card number joined to other digits and are starred out.
    /// </summary>
    public static bool IsMasked(string tag) => tag != ProcessorTelemetry.Tags.SequenceNumber;

    private static readonly byte[] HeaderBytes = Encoding.UTF8.GetBytes(Header);

    private readonly Socket _socket;
    private readonly IPEndPoint _daemon;
    private readonly Lock _lock = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _writer;
    private readonly Utf8JsonWriter _partWriter;
    // Transactions written as they end, by their batch's span id, until the batch ends; and buffers to reuse.
    private readonly Dictionary<ActivitySpanId, WrittenTransactions> _written = [];
    private readonly Stack<WrittenTransactions> _spare = new();
    private readonly Stack<List<Activity>> _spareLists = new();
    // Ended spans whose root has not ended yet, by their parent's id.
    private readonly Dictionary<ActivitySpanId, List<Activity>> _children = [];
    private int _held;
    private byte[] _scratch = new byte[256];
    private long _sent;
    private long _dropped;
    private long _traces;

    /// <param name="serviceName">The segments' <c>name</c>: the service as X-Ray's service map shows it.</param>
    public XRayExporter(IPEndPoint daemon, string serviceName = "paywatch-processor")
    {
        _daemon = daemon ?? throw new ArgumentNullException(nameof(daemon));
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ServiceName = serviceName;
        _socket = new Socket(daemon.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _writer = new Utf8JsonWriter(_buffer, WriterOptions);
        _partWriter = new Utf8JsonWriter(new ArrayBufferWriter<byte>(1), WriterOptions);
    }

    public string ServiceName { get; }

    /// <summary>Datagrams handed to the socket.</summary>
    public long DocumentsSent => Interlocked.Read(ref _sent);

    /// <summary>Documents not sent: over the datagram size, or the socket refused them; and spans whose root never ended.</summary>
    public long DocumentsDropped => Interlocked.Read(ref _dropped);

    /// <summary>Root spans written: a trace each (X-Ray's billing unit), or a part of Lambda's own sampled trace.</summary>
    public long Traces => Interlocked.Read(ref _traces);

    /// <summary>An exporter for Lambda: the daemon from <c>AWS_XRAY_DAEMON_ADDRESS</c>, named after <c>AWS_LAMBDA_FUNCTION_NAME</c>.</summary>
    public static XRayExporter FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var name = environment("AWS_LAMBDA_FUNCTION_NAME");
        return new XRayExporter(XRayDaemonAddress.FromEnvironment(environment), string.IsNullOrWhiteSpace(name) ? "paywatch-processor" : name);
    }

    public override ExportResult Export(in Batch<Activity> batch)
    {
        lock (_lock)
        {
            foreach (var activity in batch)
            {
                if (activity.Parent is null)
                {
                    WriteTrace(activity);
                }
                else if (activity.OperationName == ProcessorTelemetry.Spans.Transaction)
                {
                    WriteTransaction(activity);
                }
                else
                {
                    Hold(activity);
                }
            }
        }

        return ExportResult.Success;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _socket.Dispose();
            _writer.Dispose();
            _partWriter.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Hold(Activity activity)
    {
        if (_held >= MaxHeldSpans)
        {
            Interlocked.Add(ref _dropped, _held);
            _children.Clear();
            _written.Clear();
            _held = 0;
        }

        if (!_children.TryGetValue(activity.ParentSpanId, out var siblings))
        {
            _children[activity.ParentSpanId] = siblings = _spareLists.Count > 0 ? _spareLists.Pop() : [];
        }

        siblings.Add(activity);
        _held++;
    }

    private List<Activity>? TakeChildren(Activity parent)
    {
        if (!_children.Remove(parent.SpanId, out var children))
        {
            return null;
        }

        _held -= children.Count;
        return children;
    }

    /// <summary>
    /// A transaction inside a batch, written as its subsegment as soon as it ends, so that a batch's spans are not all
    /// held (as objects) until the batch ends: only the JSON is kept, under the batch's span id.
    /// </summary>
    private void WriteTransaction(Activity transaction)
    {
        var tree = Collect(transaction);
        if (!_written.TryGetValue(transaction.ParentSpanId, out var written))
        {
            _written[transaction.ParentSpanId] = written = _spare.Count > 0 ? _spare.Pop() : new WrittenTransactions();
        }

        var offset = written.Json.WrittenCount;
        _partWriter.Reset(written.Json);
        WriteSubsegment(_partWriter, tree);
        _partWriter.Flush();
        written.Parts.Add(new WrittenPart(offset, written.Json.WrittenCount - offset, transaction.StartTimeUtc, transaction.StartTimeUtc + transaction.Duration));
        if (written.Json.WrittenCount >= GroupBytes)
        {
            // The batch can no longer fit one datagram: its transactions go in groups from now on, sent as they fill,
            // so a batch of any size holds at most a group's worth of JSON.
            WriteTransactionGroups(written, TraceIds.ToXRay(transaction.TraceId), transaction.ParentSpanId);
            written.Clear();
            written.Grouped = true;
        }
    }

    /// <summary>The root and everything under it: one document when it fits a datagram, else the root and its transactions in groups.</summary>
    private void WriteTrace(Activity root)
    {
        Interlocked.Increment(ref _traces);
        var tree = Collect(root);
        _written.Remove(root.SpanId, out var written);
        try
        {
            if (written is not { Grouped: true })
            {
                WriteRoot(Start(), tree, written);
                if (Send())
                {
                    return;
                }
            }

            WriteRoot(Start(), tree, null);
            SendOrDrop();
            if (written is not null)
            {
                WriteTransactionGroups(written, TraceIds.ToXRay(root.TraceId), root.SpanId);
            }
        }
        finally
        {
            if (written is not null)
            {
                written.Clear();
                _spare.Push(written);
            }
        }
    }

    /// <summary>
    /// The transactions of a batch too large for one datagram, as many to a document as fit: each document is a
    /// subsegment of the batch named <c>Transactions</c>, sent on its own, holding them. One datagram per transaction
    /// would cost a system call each, the very cost a trace per invocation saves.
    /// </summary>
    private void WriteTransactionGroups(WrittenTransactions written, string traceId, ActivitySpanId batchId)
    {
        var inGroup = 0;
        DateTime start = DateTime.MaxValue, end = DateTime.MinValue;
        foreach (var part in written.Parts)
        {
            if (inGroup > 0 && _buffer.WrittenCount + _writer.BytesPending + part.Length + GroupClosingBytes > MaxDatagramBytes)
            {
                EndGroup(start, end);
                inGroup = 0;
            }

            if (inGroup == 0)
            {
                var writer = Start();
                writer.WriteString("name"u8, "Transactions"u8);
                writer.WriteString("id"u8, ActivitySpanId.CreateRandom().ToHexString());
                writer.WriteString("trace_id"u8, traceId);
                writer.WriteString("type"u8, "subsegment"u8);
                writer.WriteString("parent_id"u8, batchId.ToHexString());
                writer.WriteStartArray("subsegments"u8);
                (start, end) = (DateTime.MaxValue, DateTime.MinValue);
            }

            _writer.WriteRawValue(written.Json.WrittenSpan.Slice(part.Offset, part.Length), skipInputValidation: true);
            inGroup++;
            start = part.Start < start ? part.Start : start;
            end = part.End > end ? part.End : end;
        }

        if (inGroup > 0)
        {
            EndGroup(start, end);
        }
    }

    private void EndGroup(DateTime start, DateTime end)
    {
        _writer.WriteEndArray();
        WriteTime(_writer, "start_time"u8, start);
        WriteTime(_writer, "end_time"u8, end);
        _writer.WriteEndObject();
        SendOrDrop();
    }

    private void SendOrDrop()
    {
        if (!Send())
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private SpanTree Collect(Activity span)
    {
        var children = TakeChildren(span);
        if (children is null)
        {
            return new SpanTree(span, []);
        }

        var trees = new SpanTree[children.Count];
        for (var i = 0; i < children.Count; i++)
        {
            trees[i] = Collect(children[i]);
        }

        children.Clear();
        _spareLists.Push(children);
        return new SpanTree(span, trees);
    }

    /// <param name="transactions">The batch's transactions, already written, to embed; null leaves them out.</param>
    private void WriteRoot(Utf8JsonWriter writer, SpanTree tree, WrittenTransactions? transactions)
    {
        var span = tree.Span;
        var ownSegment = span.ParentSpanId == default;
        writer.WriteString("name"u8, ownSegment ? ServiceName : span.OperationName);
        WriteId(writer, "id"u8, span.SpanId);
        writer.WriteString("trace_id"u8, TraceIds.ToXRay(span.TraceId));
        if (!ownSegment)
        {
            // Sent on its own, a subsegment names its parent (Lambda's function segment) and says what it is.
            writer.WriteString("type"u8, "subsegment"u8);
            WriteId(writer, "parent_id"u8, span.ParentSpanId);
        }

        WriteTimesAndFlags(writer, span);
        writer.WriteStartObject("annotations"u8);
        WriteTags(writer, span, annotations: true);
        foreach (var link in span.Links)
        {
            // A transaction in a trace of its own links to its invocation's trace (transaction mode).
            writer.WriteString("invocation_trace_id"u8, TraceIds.ToXRay(link.Context.TraceId));
        }

        writer.WriteEndObject();
        WriteSubsegments(writer, tree.Children, transactions);
        writer.WriteEndObject();
    }

    private void WriteSubsegment(Utf8JsonWriter writer, SpanTree tree)
    {
        var span = tree.Span;
        writer.WriteStartObject();
        writer.WriteString("name"u8, span.OperationName);
        WriteId(writer, "id"u8, span.SpanId);
        if (span.OperationName == ProcessorTelemetry.Spans.Publish)
        {
            writer.WriteString("namespace"u8, "aws"u8);
            writer.WriteStartObject("aws"u8);
            writer.WriteString("operation"u8, "PutEvents"u8);
            writer.WriteEndObject();
        }

        WriteTimesAndFlags(writer, span);
        if (span.EnumerateTagObjects().MoveNext())
        {
            writer.WriteStartObject("metadata"u8);
            writer.WriteStartObject("paywatch"u8);
            WriteTags(writer, span, annotations: false);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        WriteSubsegments(writer, tree.Children, null);
        writer.WriteEndObject();
    }

    private void WriteSubsegments(Utf8JsonWriter writer, SpanTree[] children, WrittenTransactions? transactions)
    {
        if (children.Length == 0 && transactions is null)
        {
            return;
        }

        writer.WriteStartArray("subsegments"u8);
        foreach (var child in children)
        {
            WriteSubsegment(writer, child);
        }

        if (transactions is not null)
        {
            foreach (var part in transactions.Parts)
            {
                writer.WriteRawValue(transactions.Json.WrittenSpan.Slice(part.Offset, part.Length), skipInputValidation: true);
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteTimesAndFlags(Utf8JsonWriter writer, Activity span)
    {
        // Epoch seconds with microseconds as the fraction, written as a plain decimal (never in exponent form).
        WriteTime(writer, "start_time"u8, span.StartTimeUtc);
        WriteTime(writer, "end_time"u8, span.StartTimeUtc + span.Duration);
        if (span.GetTagItem(ProcessorTelemetry.Tags.Status) is "FAILED" or "ERROR")
        {
            // X-Ray's "error" is a client error: bad data from the producer, not a fault of the processor.
            writer.WriteBoolean("error"u8, true);
        }

        if (span.Status == ActivityStatusCode.Error)
        {
            writer.WriteBoolean("fault"u8, true);
        }
    }

    private Utf8JsonWriter Start()
    {
        _buffer.ResetWrittenCount();
        _buffer.Write(HeaderBytes);
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        return _writer;
    }

    /// <returns>False when the document is larger than a datagram (nothing is sent).</returns>
    private bool Send()
    {
        _writer.Flush();
        if (_buffer.WrittenCount > MaxDatagramBytes)
        {
            return false;
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

        return true;
    }

    /// <param name="annotations">Annotations leave out the sequence number: unique per record, useless as a filter.</param>
    private void WriteTags(Utf8JsonWriter writer, Activity activity, bool annotations)
    {
        foreach (var (tag, value) in activity.EnumerateTagObjects())
        {
            if (value is null || !Keys.TryGetValue(tag, out var key) || (annotations && tag == ProcessorTelemetry.Tags.SequenceNumber))
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
                    WriteText(writer, key, value as string ?? value.ToString() ?? "", IsMasked(tag));
                    break;
            }
        }
    }

    private void WriteText(Utf8JsonWriter writer, string key, string value, bool masked)
    {
        var text = value.Length > MaxAnnotationLength ? value.AsSpan(0, MaxAnnotationLength) : value.AsSpan();
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        }

        var utf8 = _scratch.AsSpan(0, Encoding.UTF8.GetBytes(text, _scratch));
        if (masked)
        {
            _ = PanMasker.MaskInPlace(utf8);
        }

        writer.WriteString(key, utf8);
    }

    /// <summary>Epoch seconds with microseconds as the fraction, a plain decimal (never in exponent form), formatted without arithmetic on decimals.</summary>
    private static void WriteTime(Utf8JsonWriter writer, ReadOnlySpan<byte> name, DateTime time)
    {
        var microseconds = Math.Max(0, (time - DateTime.UnixEpoch).Ticks / 10);
        Span<byte> text = stackalloc byte[32];
        _ = Utf8Formatter.TryFormat(microseconds / 1_000_000, text, out var written);
        text[written++] = (byte)'.';
        _ = Utf8Formatter.TryFormat(microseconds % 1_000_000, text[written..], out var fraction, new StandardFormat('D', 6));
        writer.WritePropertyName(name);
        writer.WriteRawValue(text[..(written + fraction)], skipInputValidation: true);
    }

    /// <summary>A span id as X-Ray's 16 hex digits, without a string.</summary>
    private static void WriteId(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ActivitySpanId id)
    {
        Span<byte> raw = stackalloc byte[8];
        id.CopyTo(raw);
        Span<byte> hex = stackalloc byte[16];
        _ = Convert.TryToHexStringLower(raw, hex, out _);
        writer.WriteString(name, hex);
    }

    private readonly record struct SpanTree(Activity Span, SpanTree[] Children);

    private readonly record struct WrittenPart(int Offset, int Length, DateTime Start, DateTime End);

    /// <summary>A batch's transaction subsegments as JSON, one after another.</summary>
    private sealed class WrittenTransactions
    {
        public ArrayBufferWriter<byte> Json { get; } = new(64 * 1024);

        public List<WrittenPart> Parts { get; } = [];

        /// <summary>Some of the batch's transactions went in groups already: the batch's document holds none.</summary>
        public bool Grouped { get; set; }

        public void Clear()
        {
            Json.ResetWrittenCount();
            Parts.Clear();
            Grouped = false;
        }
    }
}
