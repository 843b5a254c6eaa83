namespace Paywatch.Cli.Commands;

/// <summary>
/// The config/ folder built into <c>paywatch</c>: rules, their targets, alarms, queries and the dashboard, written out for the local
/// twin when no <c>--config</c> folder is given, so that it runs what Terraform deploys from any directory.
/// </summary>
internal static class BuiltInConfig
{
    /// <summary>Writes every built-in config file under <paramref name="folder"/> (config/'s layout), replacing older copies.</summary>
    /// <returns>The folder.</returns>
    public static string ExtractTo(string folder)
    {
        var assembly = typeof(BuiltInConfig).Assembly;
        foreach (var name in assembly.GetManifestResourceNames())
        {
            // Rules are embedded as rules/…, the rest as config/….
            var relative = name.StartsWith("rules/", StringComparison.Ordinal) ? name
                : name.StartsWith("config/", StringComparison.Ordinal) ? name["config/".Length..]
                : null;
            if (relative is null)
            {
                continue;
            }

            var path = Path.Combine(folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var resource = assembly.GetManifestResourceStream(name)!;
            using var file = File.Create(path);
            resource.CopyTo(file);
        }

        return folder;
    }
}
