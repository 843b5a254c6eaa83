using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Paywatch.Monitoring;
using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.MetricMath;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Api;

/// <summary>
/// CloudWatch's GetMetricData over the metric store (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html):
/// MetricStat queries and metric math expressions, evaluated by the same <see cref="MetricData"/> the alarms and the
/// dashboard use. Results come newest first unless ScanBy is TimestampAscending; MaxDatapoints (default 100,800)
/// cuts the answer into pages, and a result with datapoints left for a later page is PartialData.
/// </summary>
internal static partial class GetMetricDataQuery
{
    private const int DefaultMaxDatapoints = 100_800;

    public static JsonObject Run(MetricStore store, MetricUnits units, JsonElement request, string accountId)
    {
        CloudWatchJson.RefuseOtherAccounts(request, accountId);
        if (request.TryGetProperty("LabelOptions", out var labelOptions) && AwsJsonBody.String(labelOptions, "Timezone") is { } zone && zone != "+0000")
        {
            throw new AwsServiceException("InvalidParameterValue", $"LabelOptions.Timezone {zone}: the twin writes labels in UTC only.");
        }

        var start = AwsJsonBody.Time(request, "StartTime")!.Value;
        var end = AwsJsonBody.Time(request, "EndTime")!.Value;
        if (start >= end)
        {
            throw new AwsServiceException("ValidationError", "The parameter StartTime must be less than the parameter EndTime.");
        }

        // The model has checked ScanBy against its enum.
        var scanBy = AwsJsonBody.String(request, "ScanBy") ?? "TimestampDescending";

        var maxDatapoints = AwsJsonBody.Int(request, "MaxDatapoints") ?? DefaultMaxDatapoints;
        if (maxDatapoints < 1)
        {
            throw new AwsServiceException("ValidationError", "MaxDatapoints must be at least 1.");
        }

        var otherUnit = new HashSet<string>(StringComparer.Ordinal);
        var queries = Queries(request, accountId, units, otherUnit);
        var period = TimeSpan.FromSeconds(queries.Select(q => q.Period).OfType<int>().DefaultIfEmpty(60).Min());
        Dictionary<string, MetricSeries> series;
        try
        {
            series = MetricData.Read(store, queries, start, end, period);
        }
        catch (InvalidExpressionException e)
        {
            throw new AwsServiceException("ValidationError", e.Message);
        }

        var results = queries.Where(q => q.ReturnData).Select(q =>
        {
            // A MetricStat in a unit its metric's data was not put in reads nothing.
            var points = series[q.Id].Timestamps.Zip(series[q.Id].Values).Where(_ => !otherUnit.Contains(q.Id)).ToList();
            if (scanBy == "TimestampDescending")
            {
                points.Reverse();
            }

            return (Query: q, Points: points);
        }).ToList();

        // The page is the datapoints [offset, offset + MaxDatapoints) of all results laid end to end.
        var token = AwsJsonBody.String(request, "NextToken");
        var offset = token is null ? 0 : PageToken.Decode("GetMetricData", token) ?? throw CloudWatchJson.InvalidNextToken();
        var total = results.Sum(r => r.Points.Count);
        var pageEnd = (long)offset + maxDatapoints;
        var before = 0;
        var page = new JsonArray();
        foreach (var (query, points) in results)
        {
            var from = Math.Clamp(offset - before, 0, points.Count);
            var to = (int)Math.Clamp(pageEnd - before, 0, points.Count);
            before += points.Count;
            if (from < to || (offset == 0 && points.Count == 0))
            {
                var shown = points.Take(to).Skip(from).ToList();
                page.Add(new JsonObject
                {
                    ["Id"] = query.Id,
                    ["Label"] = query.Label ?? (query.Metric?.Name ?? query.Id),
                    ["Timestamps"] = new JsonArray([.. shown.Select(p => JsonValue.Create(p.First))]),
                    ["Values"] = new JsonArray([.. shown.Select(p => JsonValue.Create(p.Second))]),
                    ["StatusCode"] = to < points.Count ? "PartialData" : "Complete",
                });
            }
        }

        return new()
        {
            ["MetricDataResults"] = page,
            ["Messages"] = new JsonArray(),
            ["NextToken"] = pageEnd < total ? PageToken.Encode("GetMetricData", (int)pageEnd) : null,
        };
    }

    private static List<MetricDataQuery> Queries(JsonElement request, string accountId, MetricUnits units, HashSet<string> otherUnit)
    {
        // The model has required MetricDataQueries, each query's Id, and a MetricStat's Metric, Period and Stat.
        var list = request.GetProperty("MetricDataQueries");
        if (list.GetArrayLength() is 0 or > 500)
        {
            throw new AwsServiceException("ValidationError", "MetricDataQueries must hold 1 to 500 queries.");
        }

        var queries = new List<MetricDataQuery>();
        foreach (var item in list.EnumerateArray())
        {
            var id = AwsJsonBody.String(item, "Id")!;
            // "The first character must be a lowercase letter."
            if (!IdPattern().IsMatch(id))
            {
                throw new AwsServiceException("ValidationError", $"Invalid metric data query Id '{id}': it must start with a lowercase letter and hold only letters, digits and underscores.");
            }

            if (queries.Any(q => q.Id == id))
            {
                throw new AwsServiceException("ValidationError", $"The Id '{id}' is used by more than one query.");
            }

            CloudWatchJson.RefuseOtherAccounts(item, accountId);
            var label = AwsJsonBody.String(item, "Label");
            var returnData = !item.TryGetProperty("ReturnData", out var returns) || returns.ValueKind != JsonValueKind.False;
            var hasStat = item.TryGetProperty("MetricStat", out var stat);
            var expressionText = AwsJsonBody.String(item, "Expression");
            if (hasStat == (expressionText is not null))
            {
                throw new AwsServiceException("ValidationError", $"The query '{id}' must have exactly one of MetricStat and Expression.");
            }

            if (hasStat)
            {
                var period = MetricStatisticsQuery.ValidPeriod(AwsJsonBody.Int(stat, "Period")!.Value, "MetricStat.Period");
                var statText = AwsJsonBody.String(stat, "Stat")!;
                Statistic statistic;
                try
                {
                    statistic = Statistic.Parse(statText);
                }
                catch (FormatException e)
                {
                    throw new AwsServiceException("ValidationError", e.Message);
                }

                var metric = CloudWatchJson.Metric(stat.GetProperty("Metric"));
                if (!units.Matches(metric, AwsJsonBody.String(stat, "Unit")))
                {
                    otherUnit.Add(id);
                }

                queries.Add(new MetricDataQuery(id, metric, statistic, period, null, returnData, label));
            }
            else
            {
                MetricMathExpression expression;
                try
                {
                    expression = MetricMathExpression.Parse(expressionText!);
                }
                catch (InvalidExpressionException e)
                {
                    throw new AwsServiceException("ValidationError", $"Error in expression '{id}': {e.Message}");
                }

                var period = AwsJsonBody.Int(item, "Period") is { } seconds ? MetricStatisticsQuery.ValidPeriod(seconds) : (int?)null;
                queries.Add(new MetricDataQuery(id, null, null, period, expression, returnData, label));
            }
        }

        return queries;
    }

    [GeneratedRegex("^[a-z][a-zA-Z0-9_]{0,254}$")]
    private static partial Regex IdPattern();
}
