using System.Diagnostics;
using Paywatch.Monitoring;

namespace Paywatch.Infra.Tests;

/// <summary>The repository the tests run from (found upwards from the test binaries), its config/ and infra/.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static ConfigDirectory Config { get; } = new(Path.Combine(Root, "config"));

    public static string Infra => Path.Combine(Root, "infra");

    /// <summary>The values Terraform gives every config/ template (local.template_values in infra/main.tf), for a prod stack.</summary>
    public static IReadOnlyDictionary<string, string> TemplateValues { get; } = new Dictionary<string, string>
    {
        ["environment"] = "prod",
        ["function_name"] = "transaction-processor-prod",
        ["alerts_topic_arn"] = "arn:aws:sns:eu-west-1:123456789012:paywatch-alerts-prod",
        ["region"] = "eu-west-1",
        ["stream_name"] = "transaction-stream-prod",
        ["dlq_name"] = "transaction-processor-dlq-prod",
        ["routing_dlq_name"] = "paywatch-routing-dlq-prod",
        ["event_bus_name"] = "paywatch-transactions-prod",
        ["log_group"] = "/aws/lambda/transaction-processor-prod",
        ["alarm_arn_prefix"] = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:",
    };

    /// <summary>Runs a script of infra/tests/lib with node (test.sh installs its packages first); its stdout.</summary>
    public static async Task<string> RunNodeAsync(string script)
    {
        var start = new ProcessStartInfo("node", [Path.Combine(Infra, "tests", "lib", script)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var output = node.StandardOutput.ReadToEndAsync();
        var error = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, $"{script} failed: {error}");
        return await output;
    }

    public static string Render(string relativePath) => ConfigTemplate.Fill(File.ReadAllText(Config.PathOf(relativePath)), TemplateValues);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Paywatch.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Paywatch.slnx not found above " + AppContext.BaseDirectory);
    }
}
