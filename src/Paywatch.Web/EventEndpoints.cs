using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Paywatch.Local;

namespace Paywatch.Web;

/// <summary><c>GET /api/events</c>: each rule's counters and its recent routed events with the notification each became.</summary>
internal static class EventEndpoints
{
    private const int MaxLimit = 500;

    public static void Map(WebApplication app, LocalTwin twin) =>
        app.MapGet("/api/events", (string? rule, int? limit) => WebJson.Guard(() =>
        {
            var bus = twin.Bus;
            if (!string.IsNullOrEmpty(rule) && bus.TargetOf(rule) is null)
            {
                throw new BadRequestException($"No rule '{rule}' on {bus.EventBusName}: the rules are {string.Join(", ", bus.Rules.Select(r => r.Name))}.");
            }

            var statistics = bus.Statistics.Rules.ToDictionary(r => r.RuleName, StringComparer.Ordinal);
            var rules = bus.Rules.Select(r =>
            {
                var counters = statistics.GetValueOrDefault(r.Name);
                return new
                {
                    name = r.Name,
                    arn = bus.RuleArn(r.Name),
                    eventPattern = JsonSerializer.Deserialize<JsonElement>(r.EventPattern.Text),
                    matchedEvents = counters?.MatchedEvents ?? 0,
                    invocations = counters?.Invocations ?? 0,
                    failedInvocations = counters?.FailedInvocations ?? 0,
                };
            }).ToList();
            var events = (string.IsNullOrEmpty(rule) ? bus.Rules.Select(r => r.Name) : [rule])
                .SelectMany(bus.RecentEvents)
                .OrderByDescending(e => e.Time)
                .Take(Math.Clamp(limit ?? 50, 1, MaxLimit))
                .Select(e =>
                {
                    using var document = JsonDocument.Parse(e.EventJson);
                    var root = document.RootElement;
                    return new
                    {
                        rule = e.RuleName,
                        eventId = e.EventId,
                        time = e.Time,
                        detailType = root.TryGetProperty("detail-type", out var type) ? type.GetString() : null,
                        detail = root.TryGetProperty("detail", out var detail) ? detail.Clone() : default(JsonElement?),
                        targetInput = e.TargetInput,
                        notification = new { messageId = e.Notification.MessageId, subject = e.Notification.Subject, timestamp = e.Notification.Timestamp },
                    };
                })
                .ToList();
            return Task.FromResult(WebJson.Ok(new { rules, events }));
        }));
}
