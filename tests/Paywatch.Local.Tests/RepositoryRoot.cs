namespace Paywatch.Local.Tests;

/// <summary>The repository the tests run from, found upwards from the test binaries: its config/ and infra/ folders.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string Config => System.IO.Path.Combine(Path, "config");

    public static string Infra => System.IO.Path.Combine(Path, "infra");

    /// <summary>config/targets for environment <c>local</c>, delivering to <paramref name="topic"/>.</summary>
    public static IReadOnlyDictionary<string, Paywatch.Local.Bus.RuleTarget> Targets(Paywatch.Local.Notifications.LocalTopic topic) => Paywatch.Local.Bus.RuleTargets.Load(
        new Paywatch.Monitoring.ConfigDirectory(Config),
        new Dictionary<string, string>(StringComparer.Ordinal) { ["environment"] = "local", ["alerts_topic_arn"] = topic.TopicArn });

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(System.IO.Path.Combine(directory.FullName, "config", "rules")) && Directory.Exists(System.IO.Path.Combine(directory.FullName, "infra")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository (a folder with config/rules and infra) is not above the test binaries.");
    }
}
