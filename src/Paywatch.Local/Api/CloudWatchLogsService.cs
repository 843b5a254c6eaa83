using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Paywatch.Local.Telemetry;
using Paywatch.Monitoring;
using Paywatch.Monitoring.Logs;

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

    /// <summary>Results are kept for this many queries (AWS keeps them 7 days; the twin keeps the latest).</summary>
    private const int KeptQueries = 100;

    private readonly Dictionary<string, LogStore> _groups;
    private readonly string? _configDirectory;
    private readonly string _environment;
    private readonly string _region;
    private readonly string _accountId;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, QueryResult> _results = new(StringComparer.Ordinal);
    private readonly Queue<string> _resultOrder = new();

    /// <param name="logGroups">The log groups it serves; the first is the function's, the saved queries' group.</param>
    /// <param name="configDirectory">config/, whose <c>queries/*.query</c> are the query definitions; null for none.</param>
    /// <param name="environment">The environment in the definitions' names (<c>paywatch-{environment}/{query}</c>, as infra/cloudwatch.tf names them).</param>
    public CloudWatchLogsService(IReadOnlyList<LogStore> logGroups, string? configDirectory, string environment = "local", string region = "us-east-1", string accountId = "000000000000")
    {
        ArgumentNullException.ThrowIfNull(logGroups);
        _groups = logGroups.ToDictionary(g => g.LogGroupName, StringComparer.Ordinal);
        FunctionLogGroup = logGroups.Count > 0 ? logGroups[0].LogGroupName : null;
        _configDirectory = configDirectory;
        _environment = environment;
        _region = region;
        _accountId = accountId;
    }

    public string TargetPrefix => "Logs_20140328";

    public string JsonVersion => "1.1";

    private string? FunctionLogGroup { get; }

    public ValueTask<byte[]> HandleAsync(string operation, ReadOnlyMemory<byte> requestBody, CancellationToken cancellationToken)
    {
        using var document = AwsJsonBody.Parse(requestBody);
        var request = document.RootElement;
        return ValueTask.FromResult(operation switch
        {
            "DescribeLogGroups" => DescribeLogGroups(request),
            "DescribeLogStreams" => DescribeLogStreams(request),
            "FilterLogEvents" => FilterLogEvents(request),
            "GetLogEvents" => GetLogEvents(request),
            "StartQuery" => StartQuery(request),
            "GetQueryResults" => GetQueryResults(request),
            "DescribeQueryDefinitions" => DescribeQueryDefinitions(request),
            _ => throw new AwsServiceException("UnknownOperationException", $"The twin's CloudWatch Logs does not support {operation}."),
        });
    }

    // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html: limit 1-50 (default 50).
    private byte[] DescribeLogGroups(JsonElement request)
    {
        RefuseUnsupported(request, "accountIdentifiers");
        if (request.TryGetProperty("includeLinkedAccounts", out var linked) && linked.ValueKind == JsonValueKind.True)
        {
            throw Invalid("includeLinkedAccounts: the twin is no monitoring account and has no linked accounts.");
        }

        var prefix = AwsJsonBody.String(request, "logGroupNamePrefix");
        var pattern = AwsJsonBody.String(request, "logGroupNamePattern");
        if (prefix is not null && pattern is not null)
        {
            throw Invalid("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
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
        var (page, next) = PageToken.Page(groups, limit, "DescribeLogGroups", AwsJsonBody.String(request, "nextToken"), InvalidToken);
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
            WriteToken(w, "nextToken", next);
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
            throw Invalid($"1 validation error detected: Value '{orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]");
        }

        if (prefix is not null && orderBy == "LastEventTime")
        {
            throw Invalid("Cannot order by LastEventTime with a logStreamNamePrefix.");
        }

        var limit = AwsJsonBody.IntInRange(request, "limit", 1, 50, "InvalidParameterException") ?? 50;
        string[] streams = prefix is null || LogStreamName.StartsWith(prefix, StringComparison.Ordinal) ? [LogStreamName] : [];
        var (page, next) = PageToken.Page(streams, limit, "DescribeLogStreams", AwsJsonBody.String(request, "nextToken"), InvalidToken);
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
            WriteToken(w, "nextToken", next);
        });
    }

    /// <summary>
    /// FilterLogEvents (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html):
    /// up to <c>limit</c> (1-10,000, default 10,000) matching events between startTime and endTime (epoch
    /// milliseconds, both inclusive), oldest first; the nextToken resumes after the last one returned.
    /// </summary>
    private byte[] FilterLogEvents(JsonElement request)
    {
        var group = GroupOf(request);
        RefuseUnmask(request);
        var names = AwsJsonBody.Strings(request, "logStreamNames");
        var prefix = AwsJsonBody.String(request, "logStreamNamePrefix");
        if (names.Count > 0 && prefix is not null)
        {
            throw Invalid("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
        }

        var pattern = LogFilterPattern.Parse(AwsJsonBody.String(request, "filterPattern"));
        var limit = AwsJsonBody.IntInRange(request, "limit", 1, 10_000, "InvalidParameterException") ?? 10_000;
        var start = Long(request, "startTime") ?? long.MinValue;
        var end = Long(request, "endTime") ?? long.MaxValue;
        var token = AwsJsonBody.String(request, "nextToken");
        var from = token is null ? 0 : PageToken.Decode("FilterLogEvents", token) ?? throw InvalidToken();
        var searched = (names.Count == 0 || names.Contains(LogStreamName)) && (prefix is null || LogStreamName.StartsWith(prefix, StringComparison.Ordinal));
        var events = new List<LogEventLine>();
        long? resumeAt = null;
        if (searched)
        {
            foreach (var e in LogEventLine.Read(group.ReadLines()).Skip(from))
            {
                if (e.Timestamp < start || e.Timestamp > end || !pattern.Matches(e.Message))
                {
                    continue;
                }

                if (events.Count == limit)
                {
                    resumeAt = e.Index; // there is at least one more: the next page starts at it
                    break;
                }

                events.Add(e);
            }
        }

        return AwsJsonBody.Write(w =>
        {
            w.WriteStartArray("events");
            foreach (var e in events)
            {
                w.WriteStartObject();
                w.WriteString("logStreamName", LogStreamName);
                w.WriteNumber("timestamp", e.Timestamp);
                w.WriteString("message", e.Message);
                w.WriteNumber("ingestionTime", e.Timestamp);
                w.WriteString("eventId", e.EventId);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("searchedLogStreams");
            if (searched)
            {
                w.WriteStartObject();
                w.WriteString("logStreamName", LogStreamName);
                w.WriteBoolean("searchedCompletely", resumeAt is null);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteToken(w, "nextToken", resumeAt is { } index ? PageToken.Encode("FilterLogEvents", (int)index) : null);
        });
    }

    /// <summary>
    /// GetLogEvents (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html): a
    /// window of the stream's events, the latest ones unless startFromHead; <c>f/</c> and <c>b/</c> tokens move it
    /// forward and backward, and at the end the forward token comes back unchanged, as AWS documents.
    /// </summary>
    private byte[] GetLogEvents(JsonElement request)
    {
        var group = GroupOf(request);
        RefuseUnmask(request);
        var stream = AwsJsonBody.RequiredString(request, "logStreamName", "InvalidParameterException");
        if (stream != LogStreamName)
        {
            throw new AwsServiceException("ResourceNotFoundException", "The specified log stream does not exist.");
        }

        var limit = AwsJsonBody.IntInRange(request, "limit", 1, 10_000, "InvalidParameterException") ?? 10_000;
        var start = Long(request, "startTime") ?? long.MinValue;
        var end = Long(request, "endTime") ?? long.MaxValue;
        // startTime is inclusive, endTime exclusive here (unlike FilterLogEvents).
        var events = LogEventLine.Read(group.ReadLines()).Where(e => e.Timestamp >= start && e.Timestamp < end).ToList();
        var token = AwsJsonBody.String(request, "nextToken");
        int from, to;
        if (token is null)
        {
            var fromHead = request.TryGetProperty("startFromHead", out var head) && head.ValueKind == JsonValueKind.True;
            (from, to) = fromHead ? (0, Math.Min(limit, events.Count)) : (Math.Max(0, events.Count - limit), events.Count);
        }
        else if (token.Length > 2 && token[1] == '/' && token[0] is 'f' or 'b' && PageToken.Decode("GetLogEvents", token[2..]) is { } position && position <= events.Count)
        {
            (from, to) = token[0] == 'f' ? (position, Math.Min(events.Count, position + limit)) : (Math.Max(0, position - limit), position);
        }
        else
        {
            throw InvalidToken();
        }

        return AwsJsonBody.Write(w =>
        {
            w.WriteStartArray("events");
            for (var i = from; i < to; i++)
            {
                w.WriteStartObject();
                w.WriteNumber("timestamp", events[i].Timestamp);
                w.WriteString("message", events[i].Message);
                w.WriteNumber("ingestionTime", events[i].Timestamp);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("nextForwardToken", "f/" + PageToken.Encode("GetLogEvents", to));
            w.WriteString("nextBackwardToken", "b/" + PageToken.Encode("GetLogEvents", from));
        });
    }

    /// <summary>
    /// StartQuery (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html): runs
    /// the query over the log group between startTime and endTime (epoch seconds, both inclusive) at once, so
    /// GetQueryResults always finds it Complete.
    /// </summary>
    private byte[] StartQuery(JsonElement request)
    {
        var language = AwsJsonBody.String(request, "queryLanguage") ?? "CWLI";
        if (language != "CWLI")
        {
            throw Invalid($"queryLanguage {language}: the twin runs Logs Insights queries (CWLI) only.");
        }

        var named = AwsJsonBody.Strings(request, "logGroupNames").Concat(AwsJsonBody.Strings(request, "logGroupIdentifiers")).ToList();
        if (AwsJsonBody.String(request, "logGroupName") is { } single)
        {
            named.Add(single);
        }

        if (named.Count != 1)
        {
            throw Invalid(named.Count == 0
                ? "One of logGroupName, logGroupNames or logGroupIdentifiers is required (or a SOURCE command, which the twin does not support)."
                : "The twin queries one log group at a time: give exactly one.");
        }

        var group = Find(named[0]);
        var startTime = Long(request, "startTime") ?? throw Invalid("1 validation error detected: Value null at 'startTime' failed to satisfy constraint: Member must not be null");
        var endTime = Long(request, "endTime") ?? throw Invalid("1 validation error detected: Value null at 'endTime' failed to satisfy constraint: Member must not be null");
        if (endTime < startTime)
        {
            throw Invalid("End time should not be before the start time.");
        }

        var queryString = AwsJsonBody.RequiredString(request, "queryString", "InvalidParameterException");
        var limit = AwsJsonBody.IntInRange(request, "limit", 1, 10_000, "InvalidParameterException");
        QueryResult result;
        try
        {
            result = group.Query(queryString, DateTimeOffset.FromUnixTimeSeconds(startTime), DateTimeOffset.FromUnixTimeSeconds(endTime).AddSeconds(1));
        }
        catch (InvalidQueryException e)
        {
            throw new AwsServiceException("MalformedQueryException", e.Message);
        }

        if (limit is { } rows && result.Rows.Count > rows)
        {
            result = new QueryResult(result.Columns, [.. result.Rows.Take(rows)], result.RecordsScanned);
        }

        var queryId = Guid.NewGuid().ToString();
        lock (_lock)
        {
            _results[queryId] = result;
            _resultOrder.Enqueue(queryId);
            while (_resultOrder.Count > KeptQueries)
            {
                _results.Remove(_resultOrder.Dequeue());
            }
        }

        return AwsJsonBody.Write(w => w.WriteString("queryId", queryId));
    }

    /// <summary>
    /// GetQueryResults: <c>results</c> as a list of rows, each a list of <c>{field, value}</c> for the row's fields
    /// that have a value, values as the Logs Insights console shows them.
    /// </summary>
    private byte[] GetQueryResults(JsonElement request)
    {
        var queryId = AwsJsonBody.RequiredString(request, "queryId", "InvalidParameterException");
        QueryResult? result;
        lock (_lock)
        {
            _results.TryGetValue(queryId, out result);
        }

        if (result is null)
        {
            throw new AwsServiceException("ResourceNotFoundException", $"Query {queryId} does not exist (the twin keeps the results of its latest {KeptQueries} queries).");
        }

        return AwsJsonBody.Write(w =>
        {
            w.WriteStartArray("results");
            foreach (var row in result.Rows)
            {
                w.WriteStartArray();
                for (var i = 0; i < result.Columns.Count; i++)
                {
                    if (!row[i].IsNull)
                    {
                        w.WriteStartObject();
                        w.WriteString("field", result.Columns[i]);
                        w.WriteString("value", row[i].ToString());
                        w.WriteEndObject();
                    }
                }

                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteStartObject("statistics");
            w.WriteNumber("recordsScanned", result.RecordsScanned);
            w.WriteEndObject();
            w.WriteString("status", "Complete");
        });
    }

    /// <summary>
    /// DescribeQueryDefinitions (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeQueryDefinitions.html):
    /// config/queries/*.query, named and scoped as infra/cloudwatch.tf deploys them (<c>paywatch-{environment}/{file name}</c>,
    /// the function's log group); maxResults 1-1000.
    /// </summary>
    private byte[] DescribeQueryDefinitions(JsonElement request)
    {
        var language = AwsJsonBody.String(request, "queryLanguage");
        var prefix = AwsJsonBody.String(request, "queryDefinitionNamePrefix") ?? "";
        var maxResults = AwsJsonBody.IntInRange(request, "maxResults", 1, 1000, "InvalidParameterException") ?? 1000;
        var definitions = language is null or "CWLI" ? QueryDefinitions().Where(d => d.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList() : [];
        var (page, next) = PageToken.Page(definitions, maxResults, "DescribeQueryDefinitions", AwsJsonBody.String(request, "nextToken"), InvalidToken);
        return AwsJsonBody.Write(w =>
        {
            w.WriteStartArray("queryDefinitions");
            foreach (var definition in page)
            {
                w.WriteStartObject();
                w.WriteString("queryLanguage", "CWLI");
                w.WriteString("queryDefinitionId", definition.Id);
                w.WriteString("name", definition.Name);
                w.WriteString("queryString", definition.QueryString);
                w.WriteNumber("lastModified", definition.LastModified.ToUnixTimeMilliseconds());
                w.WriteStartArray("logGroupNames");
                if (FunctionLogGroup is not null)
                {
                    w.WriteStringValue(FunctionLogGroup);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteToken(w, "nextToken", next);
        });
    }

    private List<QueryDefinition> QueryDefinitions()
    {
        if (_configDirectory is null)
        {
            return [];
        }

        var config = new ConfigDirectory(_configDirectory);
        return
        [
            .. config.Queries.Select(file =>
            {
                var path = config.PathOf(file);
                var name = $"paywatch-{_environment}/{Path.GetFileNameWithoutExtension(file)}";
                return new QueryDefinition(StableId(name), name, File.ReadAllText(path).TrimEnd(), new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero));
            }).OrderBy(d => d.Name, StringComparer.Ordinal),
        ];
    }

    // The same id for the same definition across restarts, shaped as CloudWatch's (a UUID).
    private static string StableId(string name)
    {
#pragma warning disable CA5351 // An id derived from a name, not a security measure.
        var hash = MD5.HashData(Encoding.UTF8.GetBytes(name));
#pragma warning restore CA5351
        return new Guid(hash).ToString();
    }

    private LogStore GroupOf(JsonElement request)
    {
        var name = AwsJsonBody.String(request, "logGroupName");
        var identifier = AwsJsonBody.String(request, "logGroupIdentifier");
        if (name is not null && identifier is not null)
        {
            throw Invalid("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
        }

        return Find(name ?? identifier ?? throw Invalid("Either logGroupName or logGroupIdentifier is required."));
    }

    private LogStore Find(string nameOrArn)
    {
        var name = nameOrArn.StartsWith("arn:", StringComparison.Ordinal) ? nameOrArn.Split(":log-group:", 2)[^1].TrimEnd('*').TrimEnd(':') : nameOrArn;
        return _groups.TryGetValue(name, out var group) ? group : throw new AwsServiceException("ResourceNotFoundException", "The specified log group does not exist.");
    }

    private string LogGroupArn(string name) => $"arn:aws:logs:{_region}:{_accountId}:log-group:{name}";

    private static void RefuseUnmask(JsonElement request)
    {
        if (request.TryGetProperty("unmask", out var unmask) && unmask.ValueKind == JsonValueKind.True)
        {
            throw Invalid("unmask: the twin has no data protection policies, so nothing is masked.");
        }
    }

    private static void RefuseUnsupported(JsonElement request, string member)
    {
        if (request.TryGetProperty(member, out _))
        {
            throw Invalid($"{member} is not supported by the twin.");
        }
    }

    private static long? Long(JsonElement request, string member) =>
        request.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static void WriteToken(Utf8JsonWriter w, string name, string? token)
    {
        if (token is not null)
        {
            w.WriteString(name, token);
        }
    }

    private static AwsServiceException Invalid(string message) => new("InvalidParameterException", message);

    private static AwsServiceException InvalidToken() => new("InvalidParameterException", "The specified nextToken is invalid: pass back a token this operation returned.");

    private sealed record QueryDefinition(string Id, string Name, string QueryString, DateTimeOffset LastModified);
}
