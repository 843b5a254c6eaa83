using System.Text;
using System.Text.Json;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Lambda.Tests;

/// <summary>Splits a stdout capture into EMF documents and log lines, and extracts the metrics as CloudWatch Logs would.</summary>
internal static class EmfLines
{
    public static bool IsEmf(JsonElement line) => line.TryGetProperty("_aws", out _);

    public static List<JsonElement> Parse(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    /// <summary>Ingests every EMF line into a fresh store; each must be valid EMF.</summary>
    public static MetricStore Ingest(string stdout)
    {
        var store = new MetricStore(TimeSpan.FromDays(1));
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("\"_aws\"", StringComparison.Ordinal)))
        {
            var (datapoints, error) = EmfIngestor.Ingest(Encoding.UTF8.GetBytes(line), store);
            Assert.True(error is null, $"invalid EMF ({error}): {line}");
            Assert.True(datapoints > 0, $"EMF without datapoints: {line}");
        }

        return store;
    }

    public static double Sum(MetricStore store, string name, params (string Name, string Value)[] dimensions)
    {
        var key = store.ListMetrics("Paywatch/Transactions", name)
            .SingleOrDefault(k => k.Dimensions.Count == dimensions.Length && dimensions.All(d => k.Dimensions.Any(kd => kd.Key == d.Name && kd.Value == d.Value)));
        if (key is null)
        {
            return 0;
        }

        var range = store.TimeRange(key)!.Value;
        return store.GetStatistics(key, range.Oldest, range.Newest.AddMinutes(1), TimeSpan.FromDays(1), Statistic.Sum).Sum(d => d.Value);
    }
}
