using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Api;

/// <summary>
/// CloudWatch's ListMetrics over the metric store (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html):
/// filtered by namespace, name and dimension filters (a filter without a Value matches any value), 500 to a page as
/// CloudWatch pages them. RecentlyActive PT3H is every metric with a datapoint in the last three hours.
/// </summary>
internal static class ListMetricsQuery
{
    private const int PageSize = 500;

    public static JsonObject Run(MetricStore store, JsonElement request, DateTimeOffset now, string accountId)
    {
        CloudWatchJson.RefuseOtherAccounts(request, accountId);
        var metricNamespace = AwsJsonBody.String(request, "Namespace");
        var name = AwsJsonBody.String(request, "MetricName");
        var filters = request.TryGetProperty("Dimensions", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(d => (Name: AwsJsonBody.String(d, "Name")!, Value: AwsJsonBody.String(d, "Value"))).ToList()
            : [];
        // The model has held RecentlyActive to its one value, PT3H.
        var recentlyActive = AwsJsonBody.String(request, "RecentlyActive");
        var metrics = store.ListMetrics(metricNamespace, name)
            .Where(k => filters.TrueForAll(f => k.Dimensions.Any(d => d.Key == f.Name && (f.Value is null || d.Value == f.Value))))
            .Where(k => recentlyActive is null || (store.TimeRange(k) is var (_, newest) && newest >= now - TimeSpan.FromHours(3)))
            .OrderBy(k => k.ToString(), StringComparer.Ordinal)
            .ToList();
        var (page, next) = PageToken.Page(metrics, PageSize, "ListMetrics", AwsJsonBody.String(request, "NextToken"), CloudWatchJson.InvalidNextToken);
        return new() { ["Metrics"] = new JsonArray([.. page.Select(CloudWatchJson.Metric)]), ["NextToken"] = next };
    }
}
