using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Local.Telemetry;
using Paywatch.Monitoring.Logs;

namespace Paywatch.Local.Api;

/// <summary>CloudWatch Logs' StartQuery and GetQueryResults: Logs Insights queries run by the log store, their results kept by id.</summary>
internal sealed class LogsInsightsQueries
{
    /// <summary>Results are kept for this many queries (AWS keeps them 7 days; the twin keeps the latest).</summary>
    private const int KeptQueries = 100;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, QueryResult> _results = new(StringComparer.Ordinal);
    private readonly Queue<string> _resultOrder = new();

    /// <summary>
    /// StartQuery (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html): runs
    /// the query over the log group between startTime and endTime (epoch seconds, both inclusive) at once, so
    /// GetQueryResults always finds it Complete.
    /// </summary>
    public JsonObject StartQuery(Func<string, LogStore> find, JsonElement request)
    {
        var language = AwsJsonBody.String(request, "queryLanguage") ?? "CWLI";
        if (language != "CWLI")
        {
            throw LogsJson.Invalid($"queryLanguage {language}: the twin runs Logs Insights queries (CWLI) only.");
        }

        var named = AwsJsonBody.Strings(request, "logGroupNames").Concat(AwsJsonBody.Strings(request, "logGroupIdentifiers")).ToList();
        if (AwsJsonBody.String(request, "logGroupName") is { } single)
        {
            named.Add(single);
        }

        if (named.Count != 1)
        {
            throw LogsJson.Invalid(named.Count == 0
                ? "One of logGroupName, logGroupNames or logGroupIdentifiers is required (or a SOURCE command, which the twin does not support)."
                : "The twin queries one log group at a time: give exactly one.");
        }

        var group = find(named[0]);
        // The model has checked startTime, endTime and queryString are present, and limit's range.
        var startTime = request.GetProperty("startTime").GetInt64();
        var endTime = request.GetProperty("endTime").GetInt64();
        if (endTime < startTime)
        {
            throw LogsJson.Invalid("End time should not be before the start time.");
        }

        var queryString = AwsJsonBody.String(request, "queryString")!;
        var limit = AwsJsonBody.Int(request, "limit");
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

        return new() { ["queryId"] = queryId };
    }

    /// <summary>
    /// GetQueryResults: <c>results</c> as a list of rows, each a list of <c>{field, value}</c> for the row's fields
    /// that have a value, values as the Logs Insights console shows them.
    /// </summary>
    public JsonObject GetQueryResults(JsonElement request)
    {
        var queryId = AwsJsonBody.String(request, "queryId")!;
        QueryResult? result;
        lock (_lock)
        {
            _results.TryGetValue(queryId, out result);
        }

        if (result is null)
        {
            throw new AwsServiceException("ResourceNotFoundException", $"Query {queryId} does not exist (the twin keeps the results of its latest {KeptQueries} queries).");
        }

        return new()
        {
            ["results"] = new JsonArray([.. result.Rows.Select(row => new JsonArray([
                .. result.Columns.Select((column, i) => (column, value: row[i]))
                    .Where(f => !f.value.IsNull)
                    .Select(f => new JsonObject { ["field"] = f.column, ["value"] = f.value.ToString() }),
            ]))]),
            ["statistics"] = new JsonObject { ["recordsScanned"] = result.RecordsScanned },
            ["status"] = "Complete",
        };
    }
}
