using Microsoft.AspNetCore.Builder;
using Paywatch.Local;

namespace Paywatch.Web;

/// <summary><c>GET /api/status</c>: the twin's clock, names and counters since start.</summary>
internal static class StatusEndpoints
{
    public static void Map(WebApplication app, LocalTwin twin) =>
        app.MapGet("/api/status", () =>
        {
            var s = twin.Settings;
            return WebJson.Ok(new
            {
                now = twin.Time.GetUtcNow(),
                environment = s.Environment,
                region = s.Region,
                accountId = LocalTwinSettings.AccountId,
                names = new { stream = s.StreamName, function = s.FunctionName, eventBus = s.EventBusName, topic = s.TopicName, deadLetterQueue = s.DeadLetterQueueName, logGroup = s.LogGroupName },
                counts = new
                {
                    recordsProcessed = twin.Mapping.RecordsCompleted,
                    // Deleted with whole segment files past the stream's size cap (docs/twin-kinesis.md): processed ones only.
                    recordsDeletedBySizeCap = twin.Stream.RecordsDeletedBySizeCap,
                    // Past the size cap, kept because the function has not processed them yet.
                    bytesHeldOverSizeCap = twin.Stream.BytesHeldOverSizeCap,
                    eventsRouted = twin.Bus.Statistics.EventsMatched,
                    notifications = twin.Topic.PublishedCount,
                    notificationsDelivered = twin.Topic.DeliveredCount,
                    notificationDeliveryFailures = twin.Topic.DeliveryFailures,
                    notificationsFailed = twin.Topic.NotificationsFailed,
                    notificationsRedelivered = twin.Topic.Recovered.Redelivered,
                    notificationPossibleDuplicates = twin.Topic.Recovered.PossibleDuplicates,
                    deadLetterMessages = twin.DeadLetterQueue.Count,
                    spans = twin.Traces.Recorded,
                },
                // Null, or why the metrics or traces could not be saved at their last interval (they are retried every interval).
                telemetrySaveFailure = twin.TelemetrySaveFailure,
            });
        });
}
