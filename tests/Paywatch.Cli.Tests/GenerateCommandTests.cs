using System.Text.Json;

namespace Paywatch.Cli.Tests;

public sealed class GenerateCommandTests
{
    [Fact]
    public async Task Writes_the_requested_number_of_json_lines()
    {
        var result = await CliRunner.RunAsync("", "generate", "--count", "500", "--seed", "3");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(500, result.Lines.Count);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_bytes_and_another_seed_does_not()
    {
        var first = await CliRunner.RunAsync("", "generate", "--count", "300", "--seed", "42");
        var again = await CliRunner.RunAsync("", "generate", "--count", "300", "--seed", "42");
        var other = await CliRunner.RunAsync("", "generate", "--count", "300", "--seed", "43");

        Assert.Equal(first.Stdout, again.Stdout);
        Assert.NotEqual(first.Stdout, other.Stdout);
    }

    [Fact]
    public async Task The_default_mix_has_every_kind_of_traffic()
    {
        var lines = (await CliRunner.RunAsync("", "generate", "--count", "3000", "--seed", "9")).Lines;
        var parsed = lines.Select(TryParse).ToList();
        var objects = parsed.Where(p => p is { ValueKind: JsonValueKind.Object }).Select(p => p!.Value).ToList();

        Assert.Contains(parsed, p => p is null); // malformed JSON among the invalid ones
        Assert.Contains(objects, o => o.TryGetProperty("amount", out var a) && a.ValueKind == JsonValueKind.Number && a.GetDecimal() > 10_000);
        Assert.Contains(objects, o => o.TryGetProperty("amount", out var a) && a.ValueKind == JsonValueKind.Number && a.GetDecimal() < 0);
        Assert.Contains(objects, o => o.TryGetProperty("type", out var t) && t.GetString() == "REFUND");
        Assert.Contains(objects, o => o.TryGetProperty("risk_score", out var r) && r.GetInt32() > 80
            && o.GetProperty("merchant_country").GetString() is not ("US" or "GB" or "CA" or "IE" or "DE" or "FR" or "NL" or "ES" or "IT" or "AU"));
        var busiestCard = objects.Where(o => o.TryGetProperty("card_id", out _))
            .GroupBy(o => o.GetProperty("card_id").GetString()).Max(g => g.Count());
        Assert.True(busiestCard > 20, $"expected a velocity burst (> 20 from one card), busiest card had {busiestCard}");
    }

    [Fact]
    public async Task A_mix_can_ask_for_one_kind_only()
    {
        var lines = (await CliRunner.RunAsync("", "generate", "--count", "200", "--mix", "high-value=1")).Lines;

        Assert.All(lines, l => Assert.True(JsonDocument.Parse(l).RootElement.GetProperty("amount").GetDecimal() > 10_000));
    }

    [Theory]
    [InlineData("--mix", "normal=80,bogus=5")]
    [InlineData("--mix", "normal")]
    [InlineData("--count", "-1")]
    [InlineData("--start", "tomorrow-ish")]
    public async Task Bad_options_fail_with_a_message(string option, string value)
    {
        var result = await CliRunner.RunAsync("", "generate", option, value);

        Assert.NotEqual(0, result.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Stderr));
    }

    private static JsonElement? TryParse(string line)
    {
        try
        {
            return JsonDocument.Parse(line).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
