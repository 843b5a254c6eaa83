using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Monitoring;

namespace Paywatch.Local.Api;

/// <summary>CloudWatch Logs' DescribeQueryDefinitions over config/queries.</summary>
/// <param name="configDirectory">config/; null for no definitions.</param>
/// <param name="environment">The environment in the definitions' names.</param>
/// <param name="functionLogGroup">The log group every definition queries.</param>
internal sealed class LogQueryDefinitions(string? configDirectory, string environment, string? functionLogGroup)
{
    /// <summary>
    /// DescribeQueryDefinitions (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeQueryDefinitions.html):
    /// config/queries/*.query, named and scoped as infra/cloudwatch.tf deploys them (<c>paywatch-{environment}/{file name}</c>,
    /// the function's log group); maxResults 1-1000.
    /// </summary>
    public JsonObject DescribeQueryDefinitions(JsonElement request)
    {
        var language = AwsJsonBody.String(request, "queryLanguage");
        var prefix = AwsJsonBody.String(request, "queryDefinitionNamePrefix") ?? "";
        var maxResults = AwsJsonBody.Int(request, "maxResults") ?? 1000;
        var definitions = language is null or "CWLI" ? QueryDefinitions().Where(d => d.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList() : [];
        var (page, next) = PageToken.Page(definitions, maxResults, "DescribeQueryDefinitions", AwsJsonBody.String(request, "nextToken"), LogsJson.InvalidToken);
        return new()
        {
            ["queryDefinitions"] = new JsonArray([.. page.Select(definition => new JsonObject
            {
                ["queryLanguage"] = "CWLI",
                ["queryDefinitionId"] = definition.Id,
                ["name"] = definition.Name,
                ["queryString"] = definition.QueryString,
                ["lastModified"] = definition.LastModified.ToUnixTimeMilliseconds(),
                ["logGroupNames"] = functionLogGroup is null ? new JsonArray() : new JsonArray(functionLogGroup),
            })]),
            ["nextToken"] = next,
        };
    }

    private List<QueryDefinition> QueryDefinitions()
    {
        if (configDirectory is null)
        {
            return [];
        }

        var config = new ConfigDirectory(configDirectory);
        return
        [
            .. config.Queries.Select(file =>
            {
                var path = config.PathOf(file);
                var name = $"paywatch-{environment}/{Path.GetFileNameWithoutExtension(file)}";
                return new QueryDefinition(StableUuid.Of(name), name, File.ReadAllText(path).TrimEnd(), new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero));
            }).OrderBy(d => d.Name, StringComparer.Ordinal),
        ];
    }

    private sealed record QueryDefinition(string Id, string Name, string QueryString, DateTimeOffset LastModified);
}
