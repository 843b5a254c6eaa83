using System.Text.Json;

namespace Paywatch.Cli.Tests;

public sealed class RulesCommandTests
{
    private static readonly string ShippedRules = Path.Combine(AppContext.BaseDirectory, "config", "rules");

    [Theory]
    [InlineData("""{"detail":{"amount":10000.5}}""", "{\"Result\": true}")]
    [InlineData("""{"detail":{"amount":10000.0}}""", "{\"Result\": false}")]
    [InlineData("""{"detail":{"amount":"20000"}}""", "{\"Result\": false}")]
    public async Task Test_prints_the_result_as_test_event_pattern_does(string eventJson, string expected)
    {
        var result = await CliRunner.RunAsync("", "rules", "test", "--pattern", """{"detail":{"amount":[{"numeric":[">",10000]}]}}""", "--event", eventJson, "--fragment");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(expected, result.Stdout.TrimEnd());
    }

    [Fact]
    public async Task Test_reads_pattern_and_event_from_files()
    {
        var pattern = Path.GetTempFileName();
        var eventFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(pattern, """{"source":[{"prefix":"paywatch."}]}""");
            File.WriteAllText(eventFile, """{"source":"paywatch.transactions"}""");
            var result = await CliRunner.RunAsync("", "rules", "test", "--pattern", pattern, "--event", eventFile, "--fragment");

            Assert.Equal("{\"Result\": true}", result.Stdout.TrimEnd());
        }
        finally
        {
            File.Delete(pattern);
            File.Delete(eventFile);
        }
    }

    [Theory]
    [InlineData("""{"detail":{"amount":15000}}""", "Provided Event must have mandatory field id")]
    [InlineData("""{"id":"1","account":"1","source":"s","time":"2026-01-01T00:00:00Z","region":"us-east-1","detail":{}}""", "Provided Event must have mandatory field detail-type")]
    [InlineData("[1]", "it must be a JSON object.")]
    public async Task An_event_test_event_pattern_refuses_is_refused_with_its_reason_and_exit_2(string eventJson, string reason)
    {
        var result = await CliRunner.RunAsync("", "rules", "test", "--pattern", """{"detail":{"amount":[{"numeric":[">",10000]}]}}""", "--event", eventJson);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains($"Parameter Event is not valid. Reason: {reason}", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_with_the_envelope_is_tested()
    {
        var result = await CliRunner.RunAsync("", "rules", "test", "--pattern", """{"detail":{"amount":[{"numeric":[">",10000]}]}}""",
            "--event", """{"id":"1","account":"123456789012","source":"paywatch.transactions","time":"2026-01-01T00:00:00Z","region":"us-east-1","detail-type":"Transaction","resources":[],"detail":{"amount":15000}}""");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{\"Result\": true}", result.Stdout.TrimEnd());
    }

    [Fact]
    public async Task An_invalid_pattern_prints_the_reason_on_stderr_and_exits_2()
    {
        var result = await CliRunner.RunAsync("", "rules", "test", "--pattern", """{"detail":{"amount":[{"numeric":[">",5,">",9]}]}}""", "--event", "{}");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("Event pattern is not valid. Reason: Bad numeric range operator: > (at \"detail.amount\")", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cases_print_one_verdict_per_line_in_order()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file,
            [
                """{"pattern": {"a": ["x"]}, "event": {"a": ["y", "x"]}}""",
                """{"pattern": {"a": [{"exists": false}]}, "event": {"a": null}}""",
                "",
                """{"pattern": {"a": []}, "event": {}}""",
                """{"pattern": "{\"b\": [null]}", "event": "{\"b\": null}"}""",
                "not json",
            ]);
            var result = await CliRunner.RunAsync("", "rules", "test", "--cases", file);

            Assert.Equal(0, result.ExitCode);
            Assert.Equal(5, result.Lines.Count);
            Assert.Equal("true", result.Lines[0]);
            Assert.Equal("false", result.Lines[1]);
            Assert.Equal("error: Event pattern is not valid. Reason: Empty arrays are not allowed (at \"a\")", result.Lines[2]);
            Assert.Equal("true", result.Lines[3]);
            Assert.StartsWith("error: ", result.Lines[4], StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Check_passes_for_the_shipped_rules_and_routes_the_spec_samples_as_the_spec_says()
    {
        var result = await CliRunner.RunAsync("", "rules", "check", "--rules", ShippedRules, "--output", "json");

        Assert.Equal(0, result.ExitCode);
        var report = Assert.Single(result.JsonLines);
        Assert.True(report.GetProperty("ok").GetBoolean());
        Assert.Equal(
            ["paywatch-failed", "paywatch-fraud", "paywatch-high-value", "paywatch-velocity", "paywatch-window-summary"],
            report.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        var samples = report.GetProperty("samples").EnumerateArray().ToList();
        Assert.Equal(["txn-001", "txn-002", "txn-003"], samples.Select(s => s.GetProperty("transaction_id").GetString()));
        Assert.Equal(0, samples[0].GetProperty("matched").GetArrayLength());
        Assert.Equal("paywatch-high-value", Assert.Single(samples[1].GetProperty("matched").EnumerateArray()).GetString());
        Assert.Equal("paywatch-failed", Assert.Single(samples[2].GetProperty("matched").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Check_names_the_file_and_reason_of_an_invalid_rule()
    {
        using var rules = new RuleDirectory("bad.json", """{"Name": "bad", "EventPattern": {"detail": {"amount": [{"numeric": [">", "10000"]}]}}}""");
        var result = await CliRunner.RunAsync("", "rules", "check", "--rules", rules.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bad.json", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Value of > must be numeric (at \"detail.amount\")", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("rules check: FAILED", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_fails_when_a_sample_routes_differently_than_the_spec_says()
    {
        using var rules = new RuleDirectory("everything.json", """{"Name": "paywatch-high-value", "EventPattern": {"source": ["paywatch.transactions"]}}""");
        var result = await CliRunner.RunAsync("", "rules", "check", "--rules", rules.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("MISMATCH", result.Stdout, StringComparison.Ordinal);
    }
}

public sealed class BuiltInRulesTests
{
    [Fact]
    public void The_rules_built_into_paywatch_are_the_files_in_config_rules()
    {
        var files = Paywatch.Patterns.RuleDefinition.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "config", "rules"));
        var builtIn = Commands.RuleOptions.BuiltIn();

        Assert.Equal(files.Select(r => (r.Name, r.State, r.EventPattern.Text)), builtIn.Select(r => (r.Name, r.State, r.EventPattern.Text)));
    }
}

public sealed class BuiltInConfigTests
{
    [Fact]
    public void The_built_in_config_is_the_repository_s_config_folder_byte_for_byte()
    {
        var folder = Directory.CreateTempSubdirectory("paywatch-config-").FullName;
        try
        {
            Commands.BuiltInConfig.ExtractTo(folder);
            var repository = Path.Combine(Paywatch.Aws.TestSupport.Repository.Root, "config");

            Assert.Equal(Files(repository).Keys, Files(folder).Keys);
            foreach (var (path, bytes) in Files(repository))
            {
                Assert.True(bytes.AsSpan().SequenceEqual(Files(folder)[path]), $"{path} differs from the built-in copy");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static SortedDictionary<string, byte[]> Files(string root) =>
        new(Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllBytes), StringComparer.Ordinal);

}
