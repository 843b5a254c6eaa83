using System.Text.Json;
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
public sealed class CloudWatchLogsService : IAwsJsonService
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
    {
        ArgumentNullException.ThrowIfNull(logGroups);
        _groups = logGroups.ToDictionary(g => g.LogGroupName, StringComparer.Ordinal);
        _definitions = new LogQueryDefinitions(configDirectory, environment, logGroups.Count > 0 ? logGroups[0].LogGroupName : null);
        _region = region;
        _accountId = accountId;
    }

    public string TargetPrefix => "Logs_20140328";

    public string JsonVersion => "1.1";

    public ValueTask<byte[]> HandleAsync(string operation, ReadOnlyMemory<byte> requestBody, CancellationToken cancellationToken)
    {
        using var document = AwsJsonBody.Parse(requestBody);
        var request = document.RootElement;
        return ValueTask.FromResult(operation switch
        {
            "DescribeLogGroups" => DescribeLogGroups(request),
            "DescribeLogStreams" => DescribeLogStreams(request),
            "FilterLogEvents" => LogEventsQuery.FilterLogEvents(GroupOf(request), request),
            "GetLogEvents" => LogEventsQuery.GetLogEvents(GroupOf(request), request),
            "StartQuery" => _insights.StartQuery(Find, request),
            "GetQueryResults" => _insights.GetQueryResults(request),
            "DescribeQueryDefinitions" => _definitions.DescribeQueryDefinitions(request),
            _ => throw new AwsServiceException("UnknownOperationException", $"The twin's CloudWatch Logs does not support {operation}."),
        });
    }

    // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html: limit 1-50 (default 50).
    private byte[] DescribeLogGroups(JsonElement request)
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
        var limit = AwsJsonBody.IntInRange(request, "limit", 1, 50, "InvalidParameterException") ?? 50;
        var groups = _groups.Values
            .Where(g => (prefix is null || g.LogGroupName.StartsWith(prefix, StringComparison.Ordinal))
                && (pattern is null || g.LogGroupName.Contains(pattern, StringComparison.OrdinalIgnoreCase))
                && (identifiers.Count == 0 || identifiers.Any(i => i == g.LogGroupName || i == LogGroupArn(g.LogGroupName)))
                && (logGroupClass is null or "STANDARD"))
            .OrderBy(g => g.LogGroupName, StringComparer.Ordinal)
            .ToList();
        var (page, next) = PageToken.Page(groups, limit, "DescribeLogGroups", AwsJsonBody.String(request, "nextToken"), LogsJson.InvalidToken);
        return AwsJsonBody.Write(w =>
        {
            w.WriteStartArray("logGroups");
            foreach (var group in page)
            {
                var first = LogEventLine.Read(group.ReadLines()).Select(e => (long?)e.Timestamp).FirstOrDefault();
                w.WriteStartObject();
                w.WriteString("logGroupName", group.LogGroupName);
                w.WriteNumber("creationTime", first ?? 0);
                w.WriteNumber("metricFilterCount", 0);
                w.WriteString("arn", LogGroupArn(group.LogGroupName) + ":*");
                w.WriteString("logGroupClass", "STANDARD");
                w.WriteString("logGroupArn", LogGroupArn(group.LogGroupName));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            LogsJson.WriteToken(w, "nextToken", next);
        });
    }

    // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogStreams.html
    private byte[] DescribeLogStreams(JsonElement request)
    {
        var group = GroupOf(request);
        var prefix = AwsJsonBody.String(request, "logStreamNamePrefix");
        var orderBy = AwsJsonBody.String(request, "orderBy") ?? "LogStreamName";
        if (orderBy is not ("LogStreamName" or "LastEventTime"))
        {
            throw LogsJson.Invalid($"1 validation error detected: Value '{orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]");
        }

        if (prefix is not null && orderBy == "LastEventTime")
        {
            throw LogsJson.Invalid("Cannot order by LastEventTime with a logStreamNamePrefix.");
        }

        var limit = AwsJsonBody.IntInRange(request, "limit", 1, 50, "InvalidParameterException") ?? 50;
        string[] streams = prefix is null || LogStreamName.StartsWith(prefix, StringComparison.Ordinal) ? [LogStreamName] : [];
        var (page, next) = PageToken.Page(streams, limit, "DescribeLogStreams", AwsJsonBody.String(request, "nextToken"), LogsJson.InvalidToken);
        (long First, long Last)? range = null;
        if (page.Count > 0)
        {
            foreach (var e in LogEventLine.Read(group.ReadLines()))
            {
                range = range is { } r ? (r.First, e.Timestamp) : (e.Timestamp, e.Timestamp);
            }
        }

        return AwsJsonBody.Write(w =>
        {
            w.WriteStartArray("logStreams");
            foreach (var stream in page)
            {
                w.WriteStartObject();
                w.WriteString("logStreamName", stream);
                w.WriteNumber("creationTime", range?.First ?? 0);
                if (range is var (first, last))
                {
                    w.WriteNumber("firstEventTimestamp", first);
                    w.WriteNumber("lastEventTimestamp", last);
                    w.WriteNumber("lastIngestionTime", last);
                }

                w.WriteString("arn", $"{LogGroupArn(group.LogGroupName)}:log-stream:{stream}");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            LogsJson.WriteToken(w, "nextToken", next);
        });
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
