namespace Paywatch.Local.Alarms;

/// <summary>
/// Region names as CloudWatch writes them in alarm notifications (<c>"Region": "US East (N. Virginia)"</c>, and the
/// subject's <c>in US East (N. Virginia)</c>). A region not listed is written as its code.
/// </summary>
public static class RegionNames
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["us-east-1"] = "US East (N. Virginia)",
        ["us-east-2"] = "US East (Ohio)",
        ["us-west-1"] = "US West (N. California)",
        ["us-west-2"] = "US West (Oregon)",
        ["ca-central-1"] = "Canada (Central)",
        ["eu-west-1"] = "EU (Ireland)",
        ["eu-west-2"] = "EU (London)",
        ["eu-west-3"] = "EU (Paris)",
        ["eu-central-1"] = "EU (Frankfurt)",
        ["eu-north-1"] = "EU (Stockholm)",
        ["eu-south-1"] = "EU (Milan)",
        ["ap-northeast-1"] = "Asia Pacific (Tokyo)",
        ["ap-northeast-2"] = "Asia Pacific (Seoul)",
        ["ap-southeast-1"] = "Asia Pacific (Singapore)",
        ["ap-southeast-2"] = "Asia Pacific (Sydney)",
        ["ap-south-1"] = "Asia Pacific (Mumbai)",
        ["sa-east-1"] = "South America (Sao Paulo)",
    };

    public static string DisplayName(string region) => Names.TryGetValue(region, out var name) ? name : region;
}
