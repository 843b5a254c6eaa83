using System.Collections.Concurrent;
using System.Text.Json;
using Paywatch.Local.Queues;

namespace Paywatch.Local.Tests.EventSourceMapping;

internal sealed class RecordingFailureDestination : IFailureDestination
{
    public string QueueName => "transaction-processor-dlq-local";

    public ConcurrentQueue<string> Messages { get; } = new();

    public bool Fail { get; set; }

    public List<JsonElement> Documents => [.. Messages.Select(m => JsonDocument.Parse(m).RootElement)];

    public ValueTask SendMessageAsync(string body, CancellationToken cancellationToken)
    {
        if (Fail)
        {
            throw new IOException("The queue is unavailable.");
        }

        Messages.Enqueue(body);
        return ValueTask.CompletedTask;
    }
}
