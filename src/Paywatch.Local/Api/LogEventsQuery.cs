using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Local.Telemetry;

namespace Paywatch.Local.Api;

/// <summary>CloudWatch Logs' FilterLogEvents and GetLogEvents over a log group's one stream (<see cref="CloudWatchLogsService.LogStreamName"/>).</summary>
internal static class LogEventsQuery
{
    /// <summary>
    /// FilterLogEvents (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html):
    /// up to <c>limit</c> (1-10,000, default 10,000) matching events between startTime and endTime (epoch
    /// milliseconds, both inclusive), oldest first; the nextToken resumes after the last one returned.
    /// </summary>
    public static JsonObject FilterLogEvents(LogStore group, JsonElement request)
    {
        LogsJson.RefuseUnmask(request);
        var names = AwsJsonBody.Strings(request, "logStreamNames");
        var prefix = AwsJsonBody.String(request, "logStreamNamePrefix");
        if (names.Count > 0 && prefix is not null)
        {
            throw LogsJson.Invalid("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
        }

        var pattern = LogFilterPattern.Parse(AwsJsonBody.String(request, "filterPattern"));
        var limit = AwsJsonBody.Int(request, "limit") ?? 10_000;
        var start = AwsJsonBody.Long(request, "startTime") ?? long.MinValue;
        var end = AwsJsonBody.Long(request, "endTime") ?? long.MaxValue;
        var token = AwsJsonBody.String(request, "nextToken");
        var from = token is null ? 0 : PageToken.Decode("FilterLogEvents", token) ?? throw LogsJson.InvalidToken();
        var searched = (names.Count == 0 || names.Contains(CloudWatchLogsService.LogStreamName)) && (prefix is null || CloudWatchLogsService.LogStreamName.StartsWith(prefix, StringComparison.Ordinal));
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

        return new()
        {
            ["events"] = new JsonArray([.. events.Select(e => new JsonObject
            {
                ["logStreamName"] = CloudWatchLogsService.LogStreamName,
                ["timestamp"] = e.Timestamp,
                ["message"] = e.Message,
                ["ingestionTime"] = e.Timestamp,
                ["eventId"] = e.EventId,
            })]),
            ["searchedLogStreams"] = searched
                ? new JsonArray(new JsonObject { ["logStreamName"] = CloudWatchLogsService.LogStreamName, ["searchedCompletely"] = resumeAt is null })
                : new JsonArray(),
            ["nextToken"] = resumeAt is { } index ? PageToken.Encode("FilterLogEvents", (int)index) : null,
        };
    }

    /// <summary>
    /// GetLogEvents (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html): a
    /// window of the stream's events, the latest ones unless startFromHead; <c>f/</c> and <c>b/</c> tokens move it
    /// forward and backward, and at the end the forward token comes back unchanged, as AWS documents.
    /// </summary>
    public static JsonObject GetLogEvents(LogStore group, JsonElement request)
    {
        LogsJson.RefuseUnmask(request);
        var stream = AwsJsonBody.String(request, "logStreamName")!;
        if (stream != CloudWatchLogsService.LogStreamName)
        {
            throw new AwsServiceException("ResourceNotFoundException", "The specified log stream does not exist.");
        }

        var limit = AwsJsonBody.Int(request, "limit") ?? 10_000;
        var start = AwsJsonBody.Long(request, "startTime") ?? long.MinValue;
        var end = AwsJsonBody.Long(request, "endTime") ?? long.MaxValue;
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
            throw LogsJson.InvalidToken();
        }

        return new()
        {
            ["events"] = new JsonArray([.. events.Take(to).Skip(from).Select(e => new JsonObject { ["timestamp"] = e.Timestamp, ["message"] = e.Message, ["ingestionTime"] = e.Timestamp })]),
            ["nextForwardToken"] = "f/" + PageToken.Encode("GetLogEvents", to),
            ["nextBackwardToken"] = "b/" + PageToken.Encode("GetLogEvents", from),
        };
    }
}
