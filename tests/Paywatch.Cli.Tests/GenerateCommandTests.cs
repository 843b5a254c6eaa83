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
    public async Task A_kinesis_event_carries_the_same_transactions_and_round_trips_through_process_event()
    {
        var lines = (await CliRunner.RunAsync("", "generate", "--count", "25", "--seed", "5")).Lines;
        var generated = await CliRunner.RunAsync("", "generate", "--kinesis-event", "--count", "25", "--seed", "5");
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, generated.Stdout);
            var processed = await CliRunner.RunAsync("", "process", "--event", path);

            Assert.Equal(0, generated.ExitCode);
            // The members of the "Example Kinesis record event" (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html), data in base64.
            var records = JsonDocument.Parse(generated.Stdout).RootElement.GetProperty("Records").EnumerateArray().ToList();
            Assert.Equal(lines, records.Select(r => System.Text.Encoding.UTF8.GetString(r.GetProperty("kinesis").GetProperty("data").GetBytesFromBase64())));
            Assert.All(records, r =>
            {
                Assert.Equal("aws:kinesis", r.GetProperty("eventSource").GetString());
                Assert.Equal("aws:kinesis:record", r.GetProperty("eventName").GetString());
                Assert.Equal("arn:aws:kinesis:us-east-1:000000000000:stream/transaction-stream-local", r.GetProperty("eventSourceARN").GetString());
                Assert.Equal("1.0", r.GetProperty("kinesis").GetProperty("kinesisSchemaVersion").GetString());
            });
            Assert.Equal(0, processed.ExitCode);
            // One log line a transaction, in order, each from the event's shard.
            Assert.Equal(25, processed.JsonLines.Count);
            Assert.All(processed.JsonLines, l => Assert.Equal("shardId-000000000000", l.GetProperty("shard_id").GetString()));
            Assert.Contains("response {\"batchItemFailures\":[]", processed.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_kinesis_event_without_a_count_has_ten_records_and_more_than_Lambdas_batch_is_refused()
    {
        var small = await CliRunner.RunAsync("", "generate", "--kinesis-event");
        var huge = await CliRunner.RunAsync("", "generate", "--kinesis-event", "--count", "10001");

        Assert.Equal(10, JsonDocument.Parse(small.Stdout).RootElement.GetProperty("Records").GetArrayLength());
        Assert.Equal(2, huge.ExitCode);
        Assert.StartsWith("paywatch generate: --count must be from 1 to 10000 with --kinesis-event", huge.Stderr, StringComparison.Ordinal);
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
