using Paywatch.Aws.Runtime;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Paywatch.Local.Functions;

namespace Paywatch.Local.Tests.EventSourceMapping;

/// <summary>
/// A function that records every event it gets and answers with what the test scripts: by default success with
/// the state it was given plus the records counted (<c>{"count": n}</c>).
/// </summary>
internal sealed class ScriptedFunction : ILambdaFunction
{
    public ConcurrentQueue<JsonElement> Events { get; } = new();

    /// <summary>Returns the response JSON for an event, or throws (a function error).</summary>
    public Func<JsonElement, string?> Respond { get; set; } = CountingResponse;

    public Func<JsonElement, CancellationToken, Task>? Before { get; set; }

    public List<JsonElement> EventList => [.. Events];

    public static string CountingResponse(JsonElement invocationEvent)
    {
        var previous = invocationEvent.TryGetProperty("state", out var state) && state.TryGetProperty("count", out var count) ? count.GetInt32() : 0;
        return $"{{\"batchItemFailures\":[],\"state\":{{\"count\":{previous + invocationEvent.GetProperty("Records").GetArrayLength()}}}}}";
    }

    public static IReadOnlyList<string> SequenceNumbers(JsonElement invocationEvent) =>
        [.. invocationEvent.GetProperty("Records").EnumerateArray().Select(r => r.GetProperty("kinesis").GetProperty("sequenceNumber").GetString()!)];

    public static IReadOnlyList<string> Data(JsonElement invocationEvent) =>
        [.. invocationEvent.GetProperty("Records").EnumerateArray().Select(r => Encoding.UTF8.GetString(r.GetProperty("kinesis").GetProperty("data").GetBytesFromBase64()))];

    public async ValueTask<ReadOnlyMemory<byte>> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
    {
        var payload = invocation.Payload;
        var invocationEvent = JsonDocument.Parse(payload).RootElement.Clone();
        Events.Enqueue(invocationEvent);
        if (Before is { } before)
        {
            await before(invocationEvent, cancellationToken);
        }

        var response = Respond(invocationEvent);
        return response is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(response);
    }
}
