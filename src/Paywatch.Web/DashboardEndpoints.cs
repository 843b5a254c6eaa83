using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Paywatch.Local;
using Paywatch.Local.Dashboards;
using Paywatch.Monitoring;
using Paywatch.Monitoring.Dashboards;
using Paywatch.Monitoring.MetricMath;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Web;

/// <summary>
/// The dashboard: <c>GET /api/dashboard</c> (config/'s body, filled as Terraform's templatefile fills it),
/// <c>POST /api/widgets/metric</c> (a metric widget's lines, as GetMetricData returns them) and
/// <c>POST /api/widgets/log</c> (a log widget's Logs Insights query).
/// </summary>
internal static class DashboardEndpoints
{
    public static void Map(WebApplication app, LocalTwin twin, string configDirectory)
    {
        // The routes are mapped as the twin starts: the dashboard's first range fits the run while it is young.
        var startedAt = twin.Time.GetUtcNow();
        app.MapGet("/api/dashboard", () => WebJson.Guard(() =>
        {
            // The same filled body and name GetDashboard serves (LocalDashboard).
            var dashboard = LocalDashboard.Load(configDirectory, twin.Settings)
                ?? throw new FileNotFoundException("config/ has no dashboard/dashboard.json.");
            using var body = JsonDocument.Parse(dashboard.DashboardBody);
            return Task.FromResult(WebJson.Ok(new { name = dashboard.DashboardName, body = body.RootElement.Clone(), startedAt }));
        }));

        app.MapPost("/api/widgets/metric", (HttpRequest request) => WebJson.Guard(async () =>
        {
            var query = await WebJson.ReadAsync<WidgetRequest>(request).ConfigureAwait(false);
            var (start, end) = query.Range();
            return WebJson.Ok(MetricLines(twin.Metrics, MetricWidget.Parse(query.Properties), start, end));
        }));

        app.MapPost("/api/widgets/log", (HttpRequest request) => WebJson.Guard(async () =>
        {
            var query = await WebJson.ReadAsync<WidgetRequest>(request).ConfigureAwait(false);
            var (start, end) = query.Range();
            var widget = LogWidget.Parse(query.Properties);
            var unknown = widget.LogGroupNames.FirstOrDefault(g => g != twin.Logs.LogGroupName);
            if (unknown is not null)
            {
                throw new BadRequestException($"The twin has one log group, {twin.Logs.LogGroupName}; the widget asks for {unknown}.");
            }

            var result = twin.Logs.Query(widget.Query, start, end);
            return WebJson.Ok(new
            {
                status = "Complete",
                fields = result.Columns,
                rows = result.Rows.Select(row => row.Select(v => v.IsNull ? null : v.ToString()).ToList()).ToList(),
                statistics = new { recordsScanned = result.RecordsScanned },
            });
        }));
    }

    /// <summary>Every visible line on one grid of period starts; a query that cannot be read is named in the messages.</summary>
    internal static object MetricLines(MetricStore store, MetricWidget widget, DateTimeOffset start, DateTimeOffset end)
    {
        var period = TimeSpan.FromSeconds(widget.PeriodFor(end - start));
        // Period starts on whole periods of the epoch, as CloudWatch aligns them.
        var alignedStart = DateTimeOffset.FromUnixTimeSeconds(start.ToUnixTimeSeconds() / (long)period.TotalSeconds * (long)period.TotalSeconds);
        var timestamps = MetricData.Timestamps(alignedStart, end, period);
        // Metrics first, then each expression on its own, so that a bad one says why and the others still draw.
        var series = MetricData.Read(store, [.. widget.Queries.Where(q => q.Expression is null)], alignedStart, end, period);
        var messages = new List<string>();
        foreach (var query in widget.Queries.Where(q => q.Expression is not null))
        {
            try
            {
                series[query.Id] = query.Expression!.Evaluate(series, timestamps);
            }
            catch (InvalidMetricMathException e)
            {
                messages.Add($"Expression '{query.Id}': {e.Message}");
            }
        }

        var lines = widget.Lines.Where(l => l.Visible).Select(line => new
        {
            id = line.Id,
            label = line.Label,
            color = line.Color,
            yAxis = line.YAxis,
            values = timestamps.Select(t => series.TryGetValue(line.Id, out var s) && s.TryGetValue(t, out var v) && double.IsFinite(v) ? v : (double?)null).ToList(),
        });
        return new
        {
            period = (int)period.TotalSeconds,
            timestampsMs = timestamps.Select(t => t.ToUnixTimeMilliseconds()).ToList(),
            series = lines.ToList(),
            messages,
        };
    }

    private sealed record WidgetRequest(JsonElement Properties, string? Start, string? End)
    {
        public (DateTimeOffset Start, DateTimeOffset End) Range()
        {
            var start = WebJson.Time(Start, "start");
            var end = WebJson.Time(End, "end");
            return start < end ? (start, end) : throw new BadRequestException($"'start' ({Start}) must be before 'end' ({End}).");
        }
    }
}
