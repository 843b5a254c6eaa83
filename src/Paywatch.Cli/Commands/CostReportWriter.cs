using System.Globalization;
using System.Text;
using System.Text.Json;
using Paywatch.Core.Telemetry;
using Paywatch.Cost;

namespace Paywatch.Cli.Commands;

/// <summary><c>paywatch cost</c>'s output: the table for people, JSON for scripts.</summary>
internal static class CostReportWriter
{
    public static string Table(CostEstimate estimate, double tps, string traffic)
    {
        var (deployment, footprint, report) = (estimate.Deployment, estimate.Footprint, estimate.Report);
        var text = new StringBuilder();
        void Line(FormattableString line) => text.Append(line.ToString(CultureInfo.InvariantCulture)).Append('\n');

        Line($"paywatch cost: {tps:N0} tx/s ({traffic}) on {deployment.Region}, prices of {report.Table.Version}");
        Line($"deployment: {deployment.Shards} shards, Lambda {deployment.Architecture} {deployment.LambdaMemoryMb} MB, batch {deployment.BatchSize} or {deployment.BatchingWindow.TotalSeconds:0.###} s, parallelization {deployment.ParallelizationFactor}, tumbling window {deployment.TumblingWindow.TotalSeconds:0} s, alerts_per_window {deployment.AlertsPerWindow}, trace mode {deployment.TraceMode.ToWireName()}, logs kept {deployment.LogRetentionDays} days; {deployment.Config}");
        Line($"footprint: {footprint.SampleDuration.TotalSeconds:N0} s of stream time, {footprint.Records:N0} records ({(double)footprint.RecordBytes / footprint.Records:N0} bytes on average); the processor ran {footprint.SimulatedRecords:N0} of them on {footprint.LaneFraction:P0} of the lanes in {estimate.MeasuredIn.TotalSeconds:N1} s: {footprint.Invocations:N0} invocations, {footprint.EventEntries:N0} events published, {footprint.Matches:N0} notifications, {footprint.Metrics.Count} custom metrics, {footprint.Traces:N0} traces");
        text.Append('\n');
        // A row per priced component, named as infracost's table names them: the service, then what is charged.
        var componentWidth = Math.Max("component".Length, report.Lines.Max(l => Component(l.Price).Length));
        Line($"{"component".PadRight(componentWidth)} {"usage a month",-34} {"unit price",-30} {"$/month",12} {"share",7}");
        foreach (var line in report.Lines)
        {
            var price = line.Price;
            var unitPrice = price.Tiers is { Count: > 0 } ? $"${price.Usd:0.######} first tier" : $"${price.Usd:0.########}";
            var per = price.Per == 1 ? price.Unit : $"{price.Per:N0} {price.Unit}s";
            Line($"{Component(price).PadRight(componentWidth)} {$"{line.Quantity:N2} {price.Unit}",-34} {$"{unitPrice}/{per}",-30} {line.MonthlyUsd,12:N2} {report.ShareOf(line),7:P1}");
        }

        text.Append('\n');
        Line($"total: ${report.TotalUsd:N2} a month (${report.TotalUsd / estimate.Assumptions.HoursPerMonth:N2} an hour). Free tiers, listed apart in config/prices and not netted, would take off at most ${report.FreeTierUsd:N2}.");
        Line($"dominant: {string.Join(", ", report.Dominant().Select(l => $"{l.Price.Service} {l.Price.Item} {report.ShareOf(l):P0}"))}");
        Line($"notifications by rule (sample, all lanes): {string.Join(", ", footprint.MatchesByRule.Select(r => $"{r.Key} {r.Value / footprint.LaneFraction:N0}"))}");
        if (estimate.Warnings.Count == 0)
        {
            Line($"capacity: no quota exceeded.");
        }
        else
        {
            Line($"capacity warnings:");
            foreach (var warning in estimate.Warnings)
            {
                Line($"  ! {warning.Message} ({warning.Source})");
            }
        }

        var a = estimate.Assumptions;
        Line($"assumptions: a month is {a.HoursPerMonth} h; Lambda duration = time measured on this machine × {MonthlyUsage.CpuScale(deployment.LambdaMemoryMb):0.##} (1,769 MB / memory) + {a.InvocationOverheadMilliseconds} ms, + {a.PutEventsLatencyMilliseconds} ms when publishing; each saved query run {a.QueryRunsPerDay} times a day over {a.QueryRange.TotalHours} h; {a.TraceQueriesPerDay} trace searches a day; logs compress to {footprint.LogCompressionRatio:P0} (gzip); docs/cost.md has the rest.");
        return text.ToString();
    }

    private static string Component(Paywatch.Cost.Prices.Price price) => $"{price.Service}: {price.Item}";

    public static string Json(CostEstimate estimate, double tps)
    {
        var (deployment, footprint, report) = (estimate.Deployment, estimate.Footprint, estimate.Report);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("region", deployment.Region);
            json.WriteString("prices_version", report.Table.Version);
            json.WriteNumber("tps", tps);
            json.WriteStartObject("deployment");
            json.WriteNumber("shards", deployment.Shards);
            json.WriteNumber("lambda_memory_mb", deployment.LambdaMemoryMb);
            json.WriteString("architecture", deployment.Architecture);
            json.WriteNumber("batch_size", deployment.BatchSize);
            json.WriteNumber("parallelization_factor", deployment.ParallelizationFactor);
            json.WriteNumber("batching_window_seconds", deployment.BatchingWindow.TotalSeconds);
            json.WriteNumber("tumbling_window_seconds", deployment.TumblingWindow.TotalSeconds);
            json.WriteNumber("log_retention_days", deployment.LogRetentionDays);
            json.WriteString("trace_mode", deployment.TraceMode.ToWireName());
            json.WriteNumber("alerts_per_window", deployment.AlertsPerWindow);
            if (deployment.ReservedConcurrency is { } reserved)
            {
                json.WriteNumber("reserved_concurrency", reserved);
            }
            else
            {
                json.WriteNull("reserved_concurrency");
            }
            json.WriteEndObject();
            json.WriteStartObject("footprint");
            json.WriteNumber("sample_seconds", footprint.SampleDuration.TotalSeconds);
            json.WriteNumber("records", footprint.Records);
            json.WriteNumber("record_bytes", footprint.RecordBytes);
            json.WriteNumber("put_payload_units", footprint.PutPayloadUnits);
            json.WriteNumber("lane_fraction", footprint.LaneFraction);
            json.WriteNumber("simulated_records", footprint.SimulatedRecords);
            json.WriteNumber("invocations", footprint.Invocations);
            json.WriteNumber("measured_ms", footprint.MeasuredMilliseconds);
            json.WriteNumber("event_entries", footprint.EventEntries);
            json.WriteNumber("put_events_requests", footprint.PutEventsRequests);
            json.WriteNumber("notifications", footprint.Matches);
            json.WriteStartObject("notifications_by_rule");
            foreach (var (rule, count) in footprint.MatchesByRule)
            {
                json.WriteNumber(rule, count);
            }

            json.WriteEndObject();
            json.WriteNumber("log_bytes", footprint.LogBytes);
            json.WriteNumber("emf_bytes", footprint.EmfBytes);
            json.WriteNumber("custom_metrics", footprint.Metrics.Count);
            json.WriteNumber("traces", footprint.Traces);
            json.WriteNumber("segment_documents", footprint.SegmentDocuments);
            json.WriteEndObject();
            json.WriteStartArray("lines");
            foreach (var line in report.Lines)
            {
                json.WriteStartObject();
                json.WriteString("price", line.Price.Id);
                json.WriteString("service", line.Price.Service);
                json.WriteString("item", line.Price.Item);
                json.WriteNumber("quantity", line.Quantity);
                json.WriteString("unit", line.Price.Unit);
                json.WriteNumber("usd_per", line.Price.Usd);
                json.WriteNumber("per", line.Price.Per);
                json.WriteNumber("monthly_usd", Math.Round(line.MonthlyUsd, 4));
                json.WriteNumber("share", Math.Round(report.ShareOf(line), 4));
                json.WriteString("source", line.Price.Source);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNumber("total_usd", Math.Round(report.TotalUsd, 2));
            json.WriteNumber("free_tier_usd_not_netted", Math.Round(report.FreeTierUsd, 2));
            json.WriteStartArray("warnings");
            foreach (var warning in estimate.Warnings)
            {
                json.WriteStartObject();
                json.WriteString("id", warning.Id);
                json.WriteString("message", warning.Message);
                json.WriteNumber("rate", Math.Round(warning.Rate, 2));
                json.WriteNumber("limit", warning.Limit);
                json.WriteString("source", warning.Source);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
