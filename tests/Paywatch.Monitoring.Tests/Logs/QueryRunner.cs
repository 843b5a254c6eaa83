using Paywatch.Monitoring.Logs;

namespace Paywatch.Monitoring.Tests.Logs;

internal static class QueryRunner
{
    /// <summary>@timestamp for lines without a time field.</summary>
    public static readonly DateTimeOffset DefaultTime = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static QueryResult Run(string query, params string[] lines) =>
        LogQuery.Parse(query).Run(lines, new LogQueryOptions { DefaultTime = DefaultTime });

    /// <summary>The rows as text, the way the table prints them: easy to compare with hand-written expectations.</summary>
    public static List<string[]> Texts(this QueryResult result) => [.. result.Rows.Select(r => r.Select(v => v.ToString()).ToArray())];

    public static string SavedQuery(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "queries", name + ".query"));

    /// <summary>A processor log line ("transaction processed") with the given extra JSON properties.</summary>
    public static string Processed(string time, string properties) =>
        $$"""{"time":"{{time}}","level":"INFO","message":"transaction processed",{{properties}},"published":true,"matched_rules":[]}""";
}
