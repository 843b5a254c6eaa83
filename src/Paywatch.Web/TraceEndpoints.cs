using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Paywatch.Core.Telemetry;
using Paywatch.Local;
using Paywatch.Local.Telemetry;

namespace Paywatch.Web;

/// <summary>
/// The twin's X-Ray view: <c>GET /api/traces/map</c> (the service map), <c>GET /api/traces</c> (transactions,
/// newest first, filtered) and <c>GET /api/traces/{traceId}</c> (one transaction's spans for its waterfall).
/// </summary>
internal static class TraceEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;
    private const string TraceStoreCapacityHint = "50,000 spans, about 10,000 transactions";

    public static void Map(WebApplication app, LocalTwin twin)
    {
        app.MapGet("/api/traces/map", (string? start, string? end) => WebJson.Guard(() =>
        {
            var from = WebJson.Time(start, "start");
            var to = WebJson.Time(end, "end");
            return Task.FromResult(WebJson.Ok(ServiceMap.Build(twin, from, to)));
        }));

        app.MapGet("/api/traces", (string? status, string? type, string? rule, int? limit, string? start, string? end) => WebJson.Guard(() =>
        {
            if (status is not (null or "" or "ok" or "error"))
            {
                throw new BadRequestException($"'status' is ok or error, not '{status}'.");
            }

            DateTimeOffset? from = start is null ? null : WebJson.Time(start, "start");
            DateTimeOffset? to = end is null ? null : WebJson.Time(end, "end");
            var transactions = twin.Traces.Spans(ProcessorTelemetry.Spans.Transaction, from, to);
            var selected = transactions
                .Where(s => string.IsNullOrEmpty(status) || s.IsError == (status == "error"))
                .Where(s => string.IsNullOrEmpty(type) || Tag(s, ProcessorTelemetry.Tags.Type) == type)
                .Where(s => string.IsNullOrEmpty(rule) || Rules(s).Contains(rule, StringComparer.Ordinal))
                .OrderByDescending(s => s.Start)
                .Take(Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit))
                .Select(s => new
                {
                    traceId = s.TraceId,
                    spanId = s.SpanId,
                    transactionId = Tag(s, ProcessorTelemetry.Tags.TransactionId),
                    start = s.Start,
                    durationMs = s.Duration.TotalMilliseconds,
                    status = s.IsError ? "error" : "ok",
                    transactionType = Tag(s, ProcessorTelemetry.Tags.Type),
                    transactionStatus = Tag(s, ProcessorTelemetry.Tags.Status),
                    rules = Rules(s),
                    errorCode = Tag(s, ProcessorTelemetry.Tags.ErrorCode),
                })
                .ToList();
            return Task.FromResult(WebJson.Ok(new
            {
                traces = selected,
                types = transactions.Select(s => Tag(s, ProcessorTelemetry.Tags.Type)).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList(),
                rules = twin.Bus.Rules.Select(r => r.Name).Order(StringComparer.Ordinal).ToList(),
            }));
        }));

        app.MapGet("/api/traces/{traceId}", (string traceId, string? spanId) =>
        {
            var trace = twin.Traces.Spans(traceId: traceId);
            if (trace.Count == 0)
            {
                return WebJson.Error(StatusCodes.Status404NotFound, $"Trace {traceId} is not among the trace store's recent spans (it keeps the newest {TraceStoreCapacityHint}).");
            }

            var spans = spanId is null ? trace : Waterfall(trace, spanId);
            if (spans.Count == 0)
            {
                return WebJson.Error(StatusCodes.Status404NotFound, $"Trace {traceId} has no span {spanId}.");
            }

            return WebJson.Ok(new
            {
                traceId,
                spans = spans.OrderBy(s => s.Start).Select(s => new
                {
                    spanId = s.SpanId,
                    parentSpanId = s.ParentSpanId,
                    name = s.Name,
                    startMs = s.Start.ToUnixTimeMilliseconds() + (s.Start.Ticks % TimeSpan.TicksPerMillisecond / (double)TimeSpan.TicksPerMillisecond),
                    durationMs = s.Duration.TotalMilliseconds,
                    error = s.IsError,
                    tags = s.Tags.GroupBy(t => t.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal),
                }).ToList(),
            });
        });
    }

    /// <summary>
    /// A transaction's waterfall: its span and everything under it, the spans above it (the batch, Lambda's
    /// invocation), and the batch's own work that is not another transaction (the PutEvents call).
    /// </summary>
    internal static List<SpanRecord> Waterfall(IReadOnlyList<SpanRecord> trace, string spanId)
    {
        var byId = trace.GroupBy(s => s.SpanId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        if (!byId.TryGetValue(spanId, out var root))
        {
            return [];
        }

        var kept = new HashSet<string>(StringComparer.Ordinal) { spanId };
        var ancestors = new List<SpanRecord>();
        for (var parent = root.ParentSpanId; parent is not null && byId.TryGetValue(parent, out var up) && kept.Add(parent); parent = up.ParentSpanId)
        {
            ancestors.Add(up);
        }

        // Descendants, level by level (spans are few per transaction).
        var frontier = new List<string> { spanId };
        while (frontier.Count > 0)
        {
            frontier = [.. trace.Where(s => s.ParentSpanId is { } p && frontier.Contains(p, StringComparer.Ordinal) && kept.Add(s.SpanId)).Select(s => s.SpanId)];
        }

        if (ancestors.Count > 0)
        {
            var batch = ancestors[0].SpanId;
            foreach (var sibling in trace.Where(s => s.ParentSpanId == batch && s.Name != ProcessorTelemetry.Spans.Transaction))
            {
                kept.Add(sibling.SpanId);
            }
        }

        return [.. trace.Where(s => kept.Contains(s.SpanId))];
    }

    private static string? Tag(SpanRecord span, string key)
    {
        foreach (var tag in span.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value;
            }
        }

        return null;
    }

    private static List<string> Rules(SpanRecord span) =>
        Tag(span, ProcessorTelemetry.Tags.MatchedRules) is { Length: > 0 } rules ? [.. rules.Split(',')] : [];
}
