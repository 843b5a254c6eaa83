using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Api.Shapes;
using Paywatch.Local.Telemetry;

namespace Paywatch.Local.Api;

/// <summary>
/// CloudWatch Logs over AWS JSON 1.1 (target prefix <c>Logs_20140328</c>, signing name <c>logs</c>) for the twin's
/// log store: DescribeLogGroups, DescribeLogStreams, FilterLogEvents, GetLogEvents, StartQuery and
/// GetQueryResults (the Logs Insights engine, run to completion when the query starts), and
/// DescribeQueryDefinitions (config/queries as Terraform deploys them)
/// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/). Each log group has one log stream,
/// <see cref="LogStreamName"/>: the log store keeps no streams of its own.
/// </summary>
public sealed class CloudWatchLogsService : AwsService
{
    /// <summary>The one log stream of each log group.</summary>
    public const string LogStreamName = "[$LATEST]local";

    private readonly Dictionary<string, LogStore> _groups;
    private readonly string _region;
    private readonly string _accountId;
    private readonly LogsInsightsQueries _insights = new();
    private readonly LogQueryDefinitions _definitions;

    /// <param name="logGroups">The log groups it serves; the first is the function's, the saved queries' group.</param>
    /// <param name="configDirectory">config/, whose <c>queries/*.query</c> are the query definitions; null for none.</param>
    /// <param name="environment">The environment in the definitions' names (<c>paywatch-{environment}/{query}</c>, as infra/cloudwatch.tf names them).</param>
    public CloudWatchLogsService(IReadOnlyList<LogStore> logGroups, string? configDirectory, string environment = "local", string region = "us-east-1", string accountId = "000000000000")
        : base("CloudWatch Logs", "InvalidParameterException")
    {
        ArgumentNullException.ThrowIfNull(logGroups);
        _groups = logGroups.ToDictionary(g => g.LogGroupName, StringComparer.Ordinal);
        _definitions = new LogQueryDefinitions(configDirectory, environment, logGroups.Count > 0 ? logGroups[0].LogGroupName : null);
        _region = region;
        _accountId = accountId;
    }

    private protected override ValueTask<JsonObject> HandleAsync(string operation, JsonElement request, CancellationToken cancellationToken) => ValueTask.FromResult(operation switch
    {
        "DescribeLogGroups" => DescribeLogGroups(request),
        "DescribeLogStreams" => DescribeLogStreams(request),
        "FilterLogEvents" => LogEventsQuery.FilterLogEvents(GroupOf(request), request),
        "GetLogEvents" => LogEventsQuery.GetLogEvents(GroupOf(request), request),
        "StartQuery" => _insights.StartQuery(Find, request),
        "GetQueryResults" => _insights.GetQueryResults(request),
        _ => _definitions.DescribeQueryDefinitions(request),
    });

    // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html: limit 1-50 (default 50).
    private JsonObject DescribeLogGroups(JsonElement request)
    {
        LogsJson.RefuseUnsupported(request, "accountIdentifiers");
        if (request.TryGetProperty("includeLinkedAccounts", out var linked) && linked.ValueKind == JsonValueKind.True)
        {
            throw LogsJson.Invalid("includeLinkedAccounts: the twin is no monitoring account and has no linked accounts.");
        }

        var prefix = AwsJsonBody.String(request, "logGroupNamePrefix");
        var pattern = AwsJsonBody.String(request, "logGroupNamePattern");
        if (prefix is not null && pattern is not null)
        {
            throw LogsJson.Invalid("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
        }

        var identifiers = AwsJsonBody.Strings(request, "logGroupIdentifiers");
        var logGroupClass = AwsJsonBody.String(request, "logGroupClass");
        var groups = _groups.Values
            .Where(g => (prefix is null || g.LogGroupName.StartsWith(prefix, StringComparison.Ordinal))
                && (pattern is null || g.LogGroupName.Contains(pattern, StringComparison.OrdinalIgnoreCase))
                && (identifiers.Count == 0 || identifiers.Any(i => i == g.LogGroupName || i == LogGroupArn(g.LogGroupName)))
                && (logGroupClass is null or "STANDARD"))
            .OrderBy(g => g.LogGroupName, StringComparer.Ordinal)
            .ToList();
        var (page, next) = PageToken.Page(groups, AwsJsonBody.Int(request, "limit") ?? 50, "DescribeLogGroups", AwsJsonBody.String(request, "nextToken"), LogsJson.InvalidToken);
        return new()
        {
            ["logGroups"] = new JsonArray([.. page.Select(group => new JsonObject
            {
                ["logGroupName"] = group.LogGroupName,
                ["creationTime"] = LogEventLine.Read(group.ReadLines()).Select(e => (long?)e.Timestamp).FirstOrDefault() ?? 0,
                ["metricFilterCount"] = 0,
                ["arn"] = LogGroupArn(group.LogGroupName) + ":*",
                ["logGroupClass"] = "STANDARD",
                ["logGroupArn"] = LogGroupArn(group.LogGroupName),
            })]),
            ["nextToken"] = next,
        };
    }

    // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogStreams.html
    private JsonObject DescribeLogStreams(JsonElement request)
    {
        var group = GroupOf(request);
        var prefix = AwsJsonBody.String(request, "logStreamNamePrefix");
        if (prefix is not null && AwsJsonBody.String(request, "orderBy") == "LastEventTime")
        {
            throw LogsJson.Invalid("Cannot order by LastEventTime with a logStreamNamePrefix.");
        }

        string[] streams = prefix is null || LogStreamName.StartsWith(prefix, StringComparison.Ordinal) ? [LogStreamName] : [];
        var (page, next) = PageToken.Page(streams, AwsJsonBody.Int(request, "limit") ?? 50, "DescribeLogStreams", AwsJsonBody.String(request, "nextToken"), LogsJson.InvalidToken);
        (long First, long Last)? range = null;
        if (page.Count > 0)
        {
            foreach (var e in LogEventLine.Read(group.ReadLines()))
            {
                range = range is { } r ? (r.First, e.Timestamp) : (e.Timestamp, e.Timestamp);
            }
        }

        return new()
        {
            ["logStreams"] = new JsonArray([.. page.Select(stream => new JsonObject
            {
                ["logStreamName"] = stream,
                ["creationTime"] = range?.First ?? 0,
                ["firstEventTimestamp"] = range?.First,
                ["lastEventTimestamp"] = range?.Last,
                ["lastIngestionTime"] = range?.Last,
                ["arn"] = $"{LogGroupArn(group.LogGroupName)}:log-stream:{stream}",
            })]),
            ["nextToken"] = next,
        };
    }

    private LogStore GroupOf(JsonElement request)
    {
        var name = AwsJsonBody.String(request, "logGroupName");
        var identifier = AwsJsonBody.String(request, "logGroupIdentifier");
        if (name is not null && identifier is not null)
        {
            throw LogsJson.Invalid("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
        }

        return Find(name ?? identifier ?? throw LogsJson.Invalid("Either logGroupName or logGroupIdentifier is required."));
    }

    private LogStore Find(string nameOrArn)
    {
        var name = nameOrArn.StartsWith("arn:", StringComparison.Ordinal) ? nameOrArn.Split(":log-group:", 2)[^1].TrimEnd('*').TrimEnd(':') : nameOrArn;
        return _groups.TryGetValue(name, out var group) ? group : throw new AwsServiceException("ResourceNotFoundException", "The specified log group does not exist.");
    }

    private string LogGroupArn(string name) => $"arn:aws:logs:{_region}:{_accountId}:log-group:{name}";
}
