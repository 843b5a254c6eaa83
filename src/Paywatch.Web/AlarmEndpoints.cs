using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Paywatch.Local;
using Paywatch.Local.Alarms;
using Paywatch.Monitoring.Alarms;

namespace Paywatch.Web;

/// <summary><c>GET /api/alarms</c>: every metric and composite alarm with its state, history and, for a composite, its rule tree.</summary>
internal static class AlarmEndpoints
{
    public static void Map(WebApplication app, LocalTwin twin) =>
        app.MapGet("/api/alarms", () =>
        {
            var alarms = twin.Alarms.DescribeAlarms();
            var states = alarms.ToDictionary(a => a.AlarmName, a => a.StateValue, StringComparer.Ordinal);
            var transitions = twin.Alarms.RecentTransitions;
            return WebJson.Ok(new
            {
                alarms = alarms.Select(a => new
                {
                    name = a.AlarmName,
                    arn = a.AlarmArn,
                    type = a.CompositeAlarm is null ? "MetricAlarm" : "CompositeAlarm",
                    description = a.AlarmDescription,
                    state = a.StateValue.ToApiName(),
                    reason = a.StateReason,
                    stateUpdated = a.StateUpdatedTimestamp,
                    condition = a.MetricAlarm is { } metric ? Condition(metric) : null,
                    rule = a.CompositeAlarm?.AlarmRule.Text,
                    ruleTree = a.CompositeAlarm?.AlarmRule.Explain(name => states.TryGetValue(name, out var s) ? s : null) is { } tree ? Tree(tree) : null,
                    history = transitions.Where(t => t.AlarmName == a.AlarmName).Reverse().Select(t => new
                    {
                        timestamp = t.Timestamp,
                        oldState = t.OldState.ToApiName(),
                        newState = t.NewState.ToApiName(),
                        reason = t.Reason,
                    }).ToList(),
                }).ToList(),
            });
        });

    /// <summary>What a metric alarm watches, in words: "Sum of AWS/Lambda Errors (FunctionName=f) over 60 s &gt; 5 for 3 of 3 periods".</summary>
    internal static string Condition(MetricAlarmDefinition d)
    {
        var watched = d.Metric is { } m && d.Statistic is { } stat
            ? $"{stat} of {m.Namespace} {m.Name}" + (m.Dimensions.Count == 0 ? "" : $" ({string.Join(", ", m.Dimensions.Select(x => $"{x.Key}={x.Value}"))})")
            : d.Metrics.FirstOrDefault(q => q.ReturnData) is { } returned ? returned.Label ?? returned.Expression?.Text ?? returned.Id : "?";
        var op = d.ComparisonOperator switch
        {
            ComparisonOperator.GreaterThanOrEqualToThreshold => ">=",
            ComparisonOperator.GreaterThanThreshold => ">",
            ComparisonOperator.LessThanThreshold => "<",
            _ => "<=",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{watched} over {d.Period} s {op} {d.Threshold} for {d.DatapointsToAlarm} of {d.EvaluationPeriods} periods");
    }

    private static object Tree(AlarmRuleTerm term) => new
    {
        op = term.Operator,
        value = term.Value,
        children = term.Children.Count == 0 ? null : term.Children.Select(Tree).ToList(),
        function = term.Function?.ToApiName(),
        alarmName = term.AlarmName,
        alarmState = term.AlarmState?.ToApiName(),
    };
}
