using Paywatch.Function;
using Paywatch.Aws.TestSupport;
using System.Text;
using System.Text.RegularExpressions;

namespace Paywatch.Lambda.Tests;

/// <summary>The Native AOT binary itself, started as Lambda starts a custom runtime.</summary>
[Collection(AotBootstrapGroup.Name)]
public sealed partial class BootstrapTests(AotBootstrap bootstrap)
{
    [Fact]
    public async Task Outside_Lambda_the_binary_says_what_it_needs_and_exits_2()
    {
        using var process = new BootstrapProcess(bootstrap.Path, new Dictionary<string, string?>());

        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("AWS_LAMBDA_RUNTIME_API is not set", process.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_setting_is_posted_as_the_init_error_naming_it_and_the_binary_exits()
    {
        await using var api = await RuntimeApiEmulator.StartAsync();
        using var process = new BootstrapProcess(bootstrap.Path, new Dictionary<string, string?>
        {
            ["AWS_LAMBDA_RUNTIME_API"] = api.Endpoint,
            [FunctionSettings.EventBusVariable] = "paywatch-transactions-test",
        });

        var error = await api.InitError.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("ArgumentException", error.ErrorTypeHeader);
        Assert.Contains(FunctionSettings.EnvironmentVariable, error.Json.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, api.NextCalls);
    }

    /// <summary>
    /// provided.al2023 has glibc 2.34 (https://docs.aws.amazon.com/linux/al2023/ui/compare-with-al2.html): a binary
    /// that needs a newer symbol version would fail to start there, although it runs on the build machine.
    /// </summary>
    [Fact]
    public void The_binary_needs_no_glibc_newer_than_Amazon_Linux_2023s_2_34()
    {
        var text = Encoding.Latin1.GetString(File.ReadAllBytes(bootstrap.Path));
        var versions = GlibcVersion().Matches(text).Select(m => new Version(m.Groups[1].Value)).Distinct().ToList();

        Assert.NotEmpty(versions);
        Assert.True(versions.Max() <= new Version(2, 34), $"needs GLIBC_{versions.Max()}");
    }

    [Fact]
    public void The_publish_reports_no_AOT_or_trim_warnings()
    {
        Assert.DoesNotContain("warning", bootstrap.PublishOutput, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"GLIBC_(2\.[0-9]+(?:\.[0-9]+)?)\x00")]
    private static partial Regex GlibcVersion();
}
