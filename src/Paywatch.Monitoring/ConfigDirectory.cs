namespace Paywatch.Monitoring;

/// <summary>
/// The files of <c>config/</c> by kind, as the local twin loads them and as Terraform reads them
/// (infra/main.tf): rules <c>rules/*.json</c> and their targets <c>targets/*.json</c>; metric alarms <c>alarms/*.json</c> and composite alarms
/// <c>alarms/*.composite.json</c>; saved queries <c>queries/*.query</c>; the dashboard body
/// <c>dashboard/dashboard.json</c>. Paths are relative to the root, in ordinal order.
/// </summary>
public sealed class ConfigDirectory(string root)
{
    private const string CompositeSuffix = ".composite.json";

    public string Root { get; } = root;

    public IReadOnlyList<string> Rules => Files("rules", "*.json");

    public IReadOnlyList<string> Targets => Files("targets", "*.json");

    public IReadOnlyList<string> MetricAlarms => [.. Files("alarms", "*.json").Where(f => !f.EndsWith(CompositeSuffix, StringComparison.Ordinal))];

    public IReadOnlyList<string> CompositeAlarms => Files("alarms", "*" + CompositeSuffix);

    public IReadOnlyList<string> Queries => Files("queries", "*.query");

    public IReadOnlyList<string> Dashboard => Files("dashboard", "dashboard.json");

    /// <summary>The full path of a file named by one of the lists.</summary>
    public string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    private List<string> Files(string folder, string pattern)
    {
        var directory = Path.Combine(Root, folder);
        return !Directory.Exists(directory) ? []
            : [.. Directory.GetFiles(directory, pattern).Select(f => $"{folder}/{Path.GetFileName(f)}").Order(StringComparer.Ordinal)];
    }
}
