using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Api;

/// <summary>CloudWatch request members shared by its operations: metrics, dimensions and the members the twin refuses.</summary>
internal static class CloudWatchJson
{
    public static List<KeyValuePair<string, string>> Dimensions(JsonElement owner)
    {
        if (!owner.TryGetProperty("Dimensions", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var dimensions = list.EnumerateArray()
            // The model has required each dimension's Name and Value.
            .Select(d => KeyValuePair.Create(AwsJsonBody.String(d, "Name")!, AwsJsonBody.String(d, "Value")!))
            .ToList();
        // "You can assign up to 30 dimensions to a metric."
        return dimensions.Count <= 30 ? dimensions : throw new AwsServiceException("InvalidParameterValue", "A metric has at most 30 dimensions.");
    }

    public static MetricKey Metric(JsonElement metric) => new(
        AwsJsonBody.RequiredString(metric, "Namespace", "InvalidParameterValue"),
        AwsJsonBody.RequiredString(metric, "MetricName", "InvalidParameterValue"),
        Dimensions(metric));

    public static JsonObject Metric(MetricKey key) => new()
    {
        ["Namespace"] = key.Namespace,
        ["MetricName"] = key.Name,
        ["Dimensions"] = new JsonArray([.. key.Dimensions.Select(d => new JsonObject { ["Name"] = d.Key, ["Value"] = d.Value })]),
    };

    /// <summary>Cross-account members: the twin is one account with no linked ones, so asking for others is refused.</summary>
    public static void RefuseOtherAccounts(JsonElement request, string accountId)
    {
        if (request.TryGetProperty("IncludeLinkedAccounts", out var linked) && linked.ValueKind == JsonValueKind.True)
        {
            throw new AwsServiceException("InvalidParameterValue", "IncludeLinkedAccounts: the twin is no monitoring account and has no linked accounts.");
        }

        foreach (var member in (string[])["OwningAccount", "AccountId"])
        {
            if (AwsJsonBody.String(request, member) is { } account && account != accountId)
            {
                throw new AwsServiceException("InvalidParameterValue", $"{member} {account}: the twin has one account, {accountId}.");
            }
        }
    }

    public static AwsServiceException InvalidNextToken() => new("InvalidNextToken", "The NextToken is not valid: pass back a NextToken this operation returned.");
}
