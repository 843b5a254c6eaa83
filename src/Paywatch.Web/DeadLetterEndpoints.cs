using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Paywatch.Local;
using Paywatch.Local.EventSourceMapping;

namespace Paywatch.Web;

/// <summary><c>GET /api/dlq</c> (the failed batches waiting) and <c>POST /api/dlq/redrive</c> (their records back on the stream).</summary>
internal static class DeadLetterEndpoints
{
    public static void Map(WebApplication app, LocalTwin twin)
    {
        var queue = twin.DeadLetterQueue;
        app.MapGet("/api/dlq", () =>
        {
            var attributes = queue.GetAttributes();
            return WebJson.Ok(new
            {
                queue = new { name = queue.QueueName, arn = queue.QueueArn, visible = attributes.ApproximateNumberOfMessages, inFlight = attributes.ApproximateNumberOfMessagesNotVisible },
                messages = queue.Peek().Select(m =>
                {
                    var body = Parse(m.Body);
                    return new
                    {
                        messageId = m.MessageId,
                        sent = m.Sent,
                        receiveCount = m.ReceiveCount,
                        condition = Property(body, "requestContext", "condition")?.GetString(),
                        functionArn = Property(body, "requestContext", "functionArn")?.GetString(),
                        batch = Property(body, "KinesisBatchInfo"),
                        body = body ?? JsonSerializer.SerializeToElement(m.Body),
                    };
                }).ToList(),
            });
        });

        var redrive = new FailedBatchRedrive(queue, twin.Stream);
        app.MapPost("/api/dlq/redrive", (HttpRequest request) => WebJson.Guard(async () =>
        {
            var asked = await WebJson.ReadAsync<RedriveRequest>(request).ConfigureAwait(false);
            var (redriven, failed) = await redrive.RedriveAsync(asked.MessageIds, request.HttpContext.RequestAborted).ConfigureAwait(false);
            return WebJson.Ok(new
            {
                redriven = redriven.Select(r => new { messageId = r.MessageId, records = r.Records }).ToList(),
                failed = failed.Select(f => new { messageId = f.MessageId, reason = f.Reason }).ToList(),
            });
        }));
    }

    // Lambda's on-failure records are JSON; anything else sent to the queue is shown as its text.
    private static JsonElement? Parse(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement? Property(JsonElement? element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element is not { ValueKind: JsonValueKind.Object } e || !e.TryGetProperty(name, out var child))
            {
                return null;
            }

            element = child;
        }

        return element;
    }

    private sealed record RedriveRequest(IReadOnlyList<string>? MessageIds);
}
