using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Local.Dashboards;

namespace Paywatch.Local.Api;

/// <summary>
/// CloudWatch's GetDashboard and ListDashboards over the twin's dashboard
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetDashboard.html,
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListDashboards.html): the body as
/// <see cref="LocalDashboard"/> fills it, the same the web UI draws. Dashboard ARNs have no region.
/// </summary>
internal static class DashboardQuery
{
    /// <summary>ListDashboards answers up to 1,000 dashboards a page.</summary>
    private const int PageSize = 1000;

    public static JsonObject Get(IReadOnlyList<LocalDashboard> dashboards, JsonElement request, string accountId)
    {
        var name = AwsJsonBody.String(request, "DashboardName")!;
        var dashboard = dashboards.FirstOrDefault(d => d.DashboardName == name)
            ?? throw new AwsServiceException("ResourceNotFound", $"Dashboard {name} does not exist", 404);
        return new() { ["DashboardArn"] = Arn(dashboard, accountId), ["DashboardBody"] = dashboard.DashboardBody, ["DashboardName"] = dashboard.DashboardName };
    }

    public static JsonObject List(IReadOnlyList<LocalDashboard> dashboards, JsonElement request, string accountId)
    {
        var prefix = AwsJsonBody.String(request, "DashboardNamePrefix") ?? "";
        var selected = dashboards.Where(d => d.DashboardName.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(d => d.DashboardName, StringComparer.Ordinal).ToList();
        var (page, next) = PageToken.Page(selected, PageSize, "ListDashboards", AwsJsonBody.String(request, "NextToken"), CloudWatchJson.InvalidNextToken);
        return new()
        {
            ["DashboardEntries"] = new JsonArray([.. page.Select(dashboard => new JsonObject
            {
                ["DashboardName"] = dashboard.DashboardName,
                ["DashboardArn"] = Arn(dashboard, accountId),
                ["LastModified"] = dashboard.LastModified.ToUnixTimeSeconds(),
                ["Size"] = dashboard.Size,
            })]),
            ["NextToken"] = next,
        };
    }

    private static string Arn(LocalDashboard dashboard, string accountId) => $"arn:aws:cloudwatch::{accountId}:dashboard/{dashboard.DashboardName}";
}
