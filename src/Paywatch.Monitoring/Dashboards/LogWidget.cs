using System.Text.Json;
using System.Text.RegularExpressions;

namespace Paywatch.Monitoring.Dashboards;

/// <summary>
/// A dashboard log widget's query: its log groups, named by the leading <c>SOURCE 'group' |</c> clauses, and the
/// Logs Insights query after them ("Properties of a Log Widget Object",
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html:
/// <c>"query": "SOURCE 'lambda-function-1' | SOURCE 'lambda-function-2' | fields @timestamp, @message"</c>).
/// </summary>
public sealed partial record LogWidget(IReadOnlyList<string> LogGroupNames, string Query, string View)
{
    /// <exception cref="InvalidDashboardException">No query, or no SOURCE clause.</exception>
    public static LogWidget Parse(JsonElement properties)
    {
        if (properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty("query", out var q) || q.ValueKind != JsonValueKind.String)
        {
            throw new InvalidDashboardException("A log widget needs a query string.");
        }

        var text = q.GetString()!;
        var groups = new List<string>();
        var rest = text;
        while (Source().Match(rest) is { Success: true } match)
        {
            groups.Add(match.Groups["group"].Value);
            rest = rest[match.Length..];
        }

        if (groups.Count == 0)
        {
            throw new InvalidDashboardException($"A log widget's query starts with SOURCE 'log-group' | ...; this one does not: {text}");
        }

        var view = properties.TryGetProperty("view", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "table";
        return new LogWidget(groups, rest.Trim(), view);
    }

    [GeneratedRegex(@"^\s*SOURCE\s+'(?<group>[^']+)'\s*\|")]
    private static partial Regex Source();
}
