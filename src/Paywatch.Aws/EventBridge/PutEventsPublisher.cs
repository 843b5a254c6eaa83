using System.Text.Encodings.Web;
using System.Text.Json;
using Paywatch.Aws.Endpoints;
using Paywatch.Aws.Json11;
using Paywatch.Aws.Signing;
using Paywatch.Core.Routing;

namespace Paywatch.Aws.EventBridge;

/// <summary>
/// The event-publisher port on EventBridge's PutEvents (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html).
/// Entries go in requests of at most 10 entries and 256 KB, several requests in flight at once; throttling,
/// 5xx, network errors and entries failed with a transient <c>ErrorCode</c> are retried with exponential backoff and
/// full jitter, for a bounded number of attempts and never past the caller's cancellation (the invocation's deadline);
/// a request that stalls past <see cref="PutEventsOptions.AttemptTimeout"/> is abandoned and retried.
/// Whatever is still unpublished then is reported by index, never thrown away: the processor makes it
/// <c>batchItemFailures</c>.
/// </summary>
/// <remarks>
/// One publish at a time per instance (as one Lambda execution environment runs one batch at a time): the request
/// buffers are kept and reused from call to call. An entry whose request was in flight when the deadline came is
/// reported failed even though EventBridge may have accepted it; redelivery may then publish it twice, which
/// EventBridge's at-least-once delivery already asks targets to tolerate.
/// </remarks>
public sealed class PutEventsPublisher : IEventPublisher
{
    public const string Operation = "PutEvents";

    /// <summary>EventBridge's SigV4 signing name and JSON target prefix.</summary>
    public const string SigningName = "events";

    public const string TargetPrefix = "AWSEvents";

    /// <summary>The failure code of entries whose retries were cut short by cancellation and that had no error of their own.</summary>
    public const string DeadlineReached = "DeadlineReached";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Details are the processor's own JSON; escaping only what JSON requires keeps requests small.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    // The per-entry codes a retry can cure; every other ErrorCode (InvalidArgument, MalformedDetail,
    // AccessDeniedException, NotAuthorizedForSourceException, ...) fails the entry at once.
    private static readonly HashSet<string> RetryableEntryCodes = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "InternalFailure", "InternalException", "ServiceUnavailable",
    };

    private readonly AwsJsonClient _client;
    private readonly PutEventsOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly TextWriter? _diagnostics;
    private readonly RequestBuffer[] _buffers;
    private int _busy;

    /// <param name="random">Draws from [0, 1) for the jitter; <see cref="Random.Shared"/> when null.</param>
    /// <param name="diagnostics">Receives one JSON line per publish that left entries unpublished (Lambda: stdout).</param>
    public PutEventsPublisher(
        AwsJsonClient client, PutEventsOptions? options = null, TimeProvider? time = null, Func<double>? random = null,
        TextWriter? diagnostics = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? new PutEventsOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _random = random ?? Random.Shared.NextDouble;
        _diagnostics = diagnostics;
        _buffers = new RequestBuffer[_options.MaxConcurrentRequests];
    }

    /// <summary>
    /// A publisher configured as Lambda configures a function: credentials from <c>AWS_ACCESS_KEY_ID</c>,
    /// <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>; region from <c>AWS_REGION</c>; the endpoint from
    /// <c>AWS_ENDPOINT_URL_EVENTBRIDGE</c> or <c>AWS_ENDPOINT_URL</c> when set (the local twin), else EventBridge's.
    /// </summary>
    /// <exception cref="InvalidOperationException">Credentials or region missing, or an endpoint variable is not a URL.</exception>
    public static PutEventsPublisher FromEnvironment(
        HttpClient http, PutEventsOptions? options = null, TextWriter? diagnostics = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var region = AwsRegion.FromEnvironment(environment);
        var signer = new SigV4Signer(AwsCredentials.FromEnvironment(environment), region, SigningName);
        var client = new AwsJsonClient(http, signer, AwsEndpointResolver.EventBridge(region, environment), TargetPrefix);
        return new PutEventsPublisher(client, options, diagnostics: diagnostics);
    }

    public async ValueTask<PublishResult> PublishAsync(ReadOnlyMemory<EventEntry> entries, CancellationToken cancellationToken) =>
        (await PublishDetailedAsync(entries, cancellationToken).ConfigureAwait(false)).ToPublishResult();

    /// <summary>As <see cref="PublishAsync"/>, with each failure's error code and the number of requests made.</summary>
    public async ValueTask<PutEventsOutcome> PublishDetailedAsync(ReadOnlyMemory<EventEntry> entries, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("PutEventsPublisher publishes one batch at a time.");
        }

        try
        {
            var failures = new List<PutEventsFailure>();
            var chunks = Chunk(entries.Span, failures);
            var call = new Call(entries, chunks, failures);
            var workers = new Task[Math.Min(_options.MaxConcurrentRequests, chunks.Count)];
            for (var i = 0; i < workers.Length; i++)
            {
                var buffer = _buffers[i] ??= new RequestBuffer();
                workers[i] = RunWorkerAsync(call, buffer, cancellationToken);
            }

            await Task.WhenAll(workers).ConfigureAwait(false);
            failures.Sort((a, b) => a.Index.CompareTo(b.Index));
            if (failures.Count > 0)
            {
                WriteDiagnostics(failures, entries.Length);
            }

            return new PutEventsOutcome(failures, call.Requests);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Groups entries, in order, into requests within the count and size limits; an entry over the size limit alone fails.</summary>
    private List<int[]> Chunk(ReadOnlySpan<EventEntry> entries, List<PutEventsFailure> failures)
    {
        var chunks = new List<int[]>((entries.Length + _options.MaxEntriesPerRequest - 1) / _options.MaxEntriesPerRequest);
        var current = new List<int>(_options.MaxEntriesPerRequest);
        var bytes = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            var size = PutEventsEntrySize.Of(entries[i]);
            if (size > _options.MaxRequestBytes)
            {
                failures.Add(new PutEventsFailure(i, PutEventsFailure.EntryTooLarge,
                    $"The entry is {size} bytes in EventBridge's measure; PutEvents accepts at most {_options.MaxRequestBytes}. It was not sent."));
                continue;
            }

            if (current.Count == _options.MaxEntriesPerRequest || bytes + size > _options.MaxRequestBytes)
            {
                chunks.Add([.. current]);
                current.Clear();
                bytes = 0;
            }

            current.Add(i);
            bytes += size;
        }

        if (current.Count > 0)
        {
            chunks.Add([.. current]);
        }

        return chunks;
    }

    private async Task RunWorkerAsync(Call call, RequestBuffer buffer, CancellationToken cancellationToken)
    {
        int next;
        while ((next = Interlocked.Increment(ref call.NextChunk) - 1) < call.Chunks.Count)
        {
            await SendChunkAsync(call, call.Chunks[next], buffer, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendChunkAsync(Call call, int[] chunk, RequestBuffer buffer, CancellationToken cancellationToken)
    {
        var pending = new List<int>(chunk);
        var lastErrors = new Dictionary<int, (string Code, string Message)>();
        for (var attempt = 1; ; attempt++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                call.Fail(pending, lastErrors, "Not sent: the invocation's deadline was reached.");
                return;
            }

            WriteRequest(buffer, call.Entries.Span, pending);
            AwsJsonResponse response;
            using (var attemptTimeout = new CancellationTokenSource(_options.AttemptTimeout, _time))
            using (var attemptOrDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attemptTimeout.Token))
            {
                try
                {
                    Interlocked.Increment(ref call.Requests);
                    response = await _client.SendAsync(Operation, buffer.Output.WrittenMemory, attemptOrDeadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    call.Fail(pending, lastErrors, "The request was cut short by the invocation's deadline.");
                    return;
                }
                catch (OperationCanceledException) when (attemptTimeout.IsCancellationRequested)
                {
                    response = new AwsJsonResponse(0, [], new AwsJsonError(
                        "RequestTimeout", $"No response within {_options.AttemptTimeout.TotalSeconds:0.###} s.", 0, IsRetryable: true));
                }
            }

            var retry = new List<int>(pending.Count);
            if (response.Error is { } error)
            {
                foreach (var index in pending)
                {
                    lastErrors[index] = (error.Type, error.Message);
                }

                if (!error.IsRetryable)
                {
                    call.Fail(pending, lastErrors, error.Message);
                    return;
                }

                retry.AddRange(pending);
            }
            else if (!ReadResult(response.Body, pending, retry, lastErrors, call))
            {
                // A 2xx whose entries cannot be matched to ours: treat it as a transient fault of the whole request.
                foreach (var index in pending)
                {
                    lastErrors[index] = ("MalformedResponse", "The PutEvents response did not list one result per entry.");
                }

                retry.AddRange(pending);
            }

            if (retry.Count == 0)
            {
                return;
            }

            if (attempt >= _options.MaxAttempts)
            {
                call.Fail(retry, lastErrors, $"Still failing after {attempt} attempts.");
                return;
            }

            try
            {
                var delay = RetryBackoff.Delay(attempt, _options.BaseDelay, _options.MaxDelay, _random());
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                call.Fail(retry, lastErrors, "Retries stopped: the invocation's deadline was reached.");
                return;
            }

            pending = retry;
        }
    }

    private static void WriteRequest(RequestBuffer buffer, ReadOnlySpan<EventEntry> entries, List<int> indexes)
    {
        buffer.Output.ResetWrittenCount();
        var writer = buffer.Writer;
        writer.Reset(buffer.Output);
        writer.WriteStartObject();
        writer.WriteStartArray("Entries"u8);
        foreach (var index in indexes)
        {
            ref readonly var entry = ref entries[index];
            writer.WriteStartObject();
            writer.WriteString("Source"u8, entry.Source);
            writer.WriteString("DetailType"u8, entry.DetailType);

            // Detail is a JSON object already, but the API takes it as a string: written escaped, not embedded.
            writer.WriteString("Detail"u8, entry.Detail.Span);
            writer.WriteString("EventBusName"u8, entry.EventBusName);

            // JSON 1.1 timestamps are epoch seconds as a JSON number; milliseconds are kept as the fraction.
            writer.WriteNumber("Time"u8, entry.Time.ToUnixTimeMilliseconds() / 1000m);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <returns>False when the response does not have one result per entry sent.</returns>
    private static bool ReadResult(
        byte[] body, List<int> sent, List<int> retry, Dictionary<int, (string Code, string Message)> lastErrors, Call call)
    {
        var results = new List<(string? Code, string? Message)>(sent.Count);
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("Entries"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                {
                    return false;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    string? code = null, message = null;
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isCode = reader.ValueTextEquals("ErrorCode"u8);
                        var isMessage = reader.ValueTextEquals("ErrorMessage"u8);
                        reader.Read();
                        if (isCode && reader.TokenType == JsonTokenType.String)
                        {
                            code = reader.GetString();
                        }
                        else if (isMessage && reader.TokenType == JsonTokenType.String)
                        {
                            message = reader.GetString();
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }

                    results.Add((code, message));
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        if (results.Count != sent.Count)
        {
            return false;
        }

        List<int>? permanent = null;
        for (var i = 0; i < sent.Count; i++)
        {
            var (code, message) = results[i];
            if (string.IsNullOrEmpty(code))
            {
                continue;
            }

            var index = sent[i];
            lastErrors[index] = (code, message ?? code);
            if (RetryableEntryCodes.Contains(code))
            {
                retry.Add(index);
            }
            else
            {
                (permanent ??= []).Add(index);
            }
        }

        if (permanent is not null)
        {
            call.Fail(permanent, lastErrors, "Not retryable.");
        }

        return true;
    }

    private void WriteDiagnostics(List<PutEventsFailure> failures, int entryCount)
    {
        if (_diagnostics is null)
        {
            return;
        }

        var output = new ArrayBufferWriter<byte>(256 + (failures.Count * 96));
        using (var writer = new Utf8JsonWriter(output, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("level"u8, "WARN"u8);
            writer.WriteString("message"u8, "PutEvents entries not published"u8);
            writer.WriteNumber("entries"u8, entryCount);
            writer.WriteNumber("failed_entries"u8, failures.Count);
            writer.WriteStartArray("failures"u8);
            foreach (var failure in failures)
            {
                writer.WriteStartObject();
                writer.WriteNumber("index"u8, failure.Index);
                writer.WriteString("error_code"u8, failure.ErrorCode);
                writer.WriteString("error_message"u8, failure.ErrorMessage);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        lock (_diagnostics)
        {
            _diagnostics.WriteLine(Encoding.UTF8.GetString(output.WrittenSpan));
            _diagnostics.Flush();
        }
    }

    /// <summary>A worker's request buffer and JSON writer, kept across publishes.</summary>
    private sealed class RequestBuffer
    {
        public RequestBuffer()
        {
            Writer = new Utf8JsonWriter(Output, WriterOptions);
        }

        public ArrayBufferWriter<byte> Output { get; } = new(16 * 1024);

        public Utf8JsonWriter Writer { get; }
    }

    /// <summary>The shared state of one publish: the chunks still to take and the failures found.</summary>
    private sealed class Call(ReadOnlyMemory<EventEntry> entries, List<int[]> chunks, List<PutEventsFailure> failures)
    {
        public int NextChunk;
        public int Requests;

        public ReadOnlyMemory<EventEntry> Entries { get; } = entries;

        public List<int[]> Chunks { get; } = chunks;

        public void Fail(List<int> indexes, Dictionary<int, (string Code, string Message)> lastErrors, string reason)
        {
            lock (failures)
            {
                foreach (var index in indexes)
                {
                    failures.Add(lastErrors.TryGetValue(index, out var last)
                        ? new PutEventsFailure(index, last.Code, $"{last.Message} ({reason})")
                        : new PutEventsFailure(index, DeadlineReached, reason));
                }
            }
        }
    }
}
