using System.Net;
using System.Text;
using System.Text.Json;
using Paywatch.Local.Api;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Api.Shapes;
using Paywatch.Local.Tests.Streams;

namespace Paywatch.Local.Tests.Api;

/// <summary>
/// The models' <c>pattern</c> constraints on strings and <c>min</c>/<c>max</c> on blobs, refused in AWS's words:
/// "1 validation error detected: Value '…' at '…' failed to satisfy constraint: Member must satisfy regular expression
/// pattern: …", the pattern quoted as the model writes it (https://github.com/aarondfrancis/sidecar/issues/20,
/// https://github.com/aws/aws-cli/issues/790).
/// </summary>
public sealed class ShapeValidatorPatternTests
{
    private const string Stream = "transaction-stream-local";

    private static ServiceModel Kinesis => ServiceModels.ById("Kinesis");

    [Fact]
    public void Every_pattern_the_models_hold_on_a_served_operation_compiles_for_dotnet()
    {
        var patterns = ServiceModels.All
            .SelectMany(m => m.Operations.Values)
            .SelectMany(o => Reachable(o.Input).Concat(Reachable(o.Output)))
            .Where(s => s.Pattern is not null)
            .Distinct()
            .ToList();

        Assert.True(patterns.Count >= 20, $"only {patterns.Count} patterns reached");
        Assert.All(patterns, s => Assert.True(s.Pattern!.IsCheckable, $"{s.Name}: {s.Pattern.Text}"));
    }

    /// <summary>
    /// The whole value must match, as AWS holds it: a name with a trailing newline is refused
    /// (https://github.com/osquery/osquery/issues/3694), and so is a function name with a space whose parts match
    /// (https://github.com/aarondfrancis/sidecar/issues/20). <c>\d</c> and <c>.</c> mean what they mean in ECMA 262
    /// (https://smithy.io/2.0/spec/constraint-traits.html#pattern-trait): ASCII digits, any character but a line terminator.
    /// </summary>
    [Theory]
    [InlineData("[a-zA-Z0-9_.-]+", "transaction-stream-local", true)]
    [InlineData("[a-zA-Z0-9_.-]+", "bad name!", false)]
    [InlineData("[a-zA-Z0-9_.-]+", "alph1a-osquery\n", false)]
    [InlineData("0|([1-9]\\d{0,38})", "0", true)]
    [InlineData("0|([1-9]\\d{0,38})", "340282366920938463463374607431768211455", true)]
    [InlineData("0|([1-9]\\d{0,38})", "01", false)]
    [InlineData("0|([1-9]\\d{0,38})", "1\u0661", false)]
    [InlineData("^\\d{12}$", "000000000000", true)]
    [InlineData("^\\d{12}$", "000000000000\n", false)]
    [InlineData("[^:].*", "Paywatch/Transactions", true)]
    [InlineData("[^:].*", "Paywatch\rTransactions", false)]
    [InlineData("[\\w#+=/:,.@-]*", "/aws/lambda/transaction-processor-local", true)]
    [InlineData("[\\w#+=/:,.@-]*", "caf\u00e9", false)]
    [InlineData("[A-Za-z0-9\\_\\-]+", "transaction_id", true)]
    [InlineData("[A-Za-z0-9\\_\\-]+", "transaction id", false)]
    [InlineData("(^(?!(system\\x2e)))(^[_a-zA-Z0-9])([^$]*)", "orders", true)]
    [InlineData("(^(?!(system\\x2e)))(^[_a-zA-Z0-9])([^$]*)", "system.users", false)]
    public void A_value_matches_a_model_pattern_only_as_a_whole_with_ECMA_262_classes(string pattern, string value, bool matches) =>
        Assert.Equal(matches, new ShapePattern(pattern).IsMatch(value));

    [Fact]
    public async Task A_bad_StreamName_is_refused_by_the_model_pattern_in_AWS_words()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();

        var (type, message) = await kinesis.ErrorAsync("DescribeStreamSummary", new { StreamName = "bad name!" });

        Assert.Equal("ValidationException", type);
        Assert.Equal("1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+", message);
    }

    /// <summary>
    /// An empty value breaks both its length and its pattern, and AWS lists both: "2 validation errors detected: Value ''
    /// at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: …; Value '' at
    /// 'stackName' failed to satisfy constraint: Member must have length greater than or equal to 1"
    /// (https://github.com/flynn/flynn/issues/3951; AWS's order varies by service, the twin puts the length first).
    /// </summary>
    [Fact]
    public async Task An_empty_StreamName_breaks_its_length_and_its_pattern_and_both_are_listed()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();

        var (type, message) = await kinesis.ErrorAsync("ListShards", new { StreamName = "" });

        Assert.Equal("ValidationException", type);
        Assert.Equal(
            "2 validation errors detected: Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1; "
            + "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
            message);
    }

    /// <summary>
    /// ExplicitHashKey's "Pattern: 0|([1-9]\d{0,38})" (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecordsRequestEntry.html)
    /// refuses what is not a decimal number; one past 2^128 - 1 matches it and is Kinesis' InvalidArgumentException.
    /// </summary>
    [Fact]
    public async Task An_ExplicitHashKey_is_held_to_its_pattern_and_then_to_the_hash_key_range()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();

        var leadingZero = await kinesis.ErrorAsync("PutRecords", new { StreamName = Stream, Records = new[] { new { PartitionKey = "k", Data = "AA==", ExplicitHashKey = "01" } } });
        var tooLarge = await kinesis.ErrorAsync("PutRecord", new { StreamName = Stream, PartitionKey = "k", Data = "AA==", ExplicitHashKey = "340282366920938463463374607431768211456" });

        Assert.Equal(
            ("ValidationException", "1 validation error detected: Value '01' at 'records.1.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})"),
            leadingZero);
        Assert.Equal("InvalidArgumentException", tooLarge.Type);
        Assert.Equal("Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456", tooLarge.Message);
    }

    /// <summary>
    /// A blob is measured in bytes and shown as the Java buffer that holds it: "Value
    /// 'java.nio.HeapByteBuffer[pos=0 lim=1049568 cap=1049568]' at 'records.1.member.data' failed to satisfy constraint:
    /// Member must have length less than or equal to 1048576" (https://github.com/a8m/kinesis-producer/pull/18). The
    /// model's Data allows 10 MiB (10485760 bytes); the twin's streams keep the default 1 MiB.
    /// </summary>
    [Fact]
    public async Task Data_over_the_stream_limit_and_over_the_model_max_is_refused_with_its_length_in_bytes()
    {
        await using var kinesis = await KinesisEndpoint.StartAsync();

        var overStream = await kinesis.ErrorAsync("PutRecords", new { StreamName = Stream, Records = new[] { new { PartitionKey = "k", Data = Convert.ToBase64String(new byte[1049568]) } } });
        var overModel = await kinesis.ErrorAsync("PutRecord", new { StreamName = Stream, PartitionKey = "k", Data = Convert.ToBase64String(new byte[10485761]) });

        Assert.Equal(
            ("ValidationException", "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1049568 cap=1049568]' at 'records.1.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576"),
            overStream);
        Assert.Equal(
            ("ValidationException", "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=10485761 cap=10485761]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 10485760"),
            overModel);
    }

    /// <summary>JSON may escape <c>/</c> as <c>\/</c>; the blob is still measured by the bytes it holds.</summary>
    [Fact]
    public void A_blob_written_with_JSON_escapes_is_measured_by_its_bytes()
    {
        var data = Convert.ToBase64String(Enumerable.Repeat((byte)0xFF, 10485761).ToArray()).Replace("/", "\\/", StringComparison.Ordinal);
        using var request = JsonDocument.Parse($$"""{"StreamName":"{{Stream}}","PartitionKey":"k","Data":"{{data}}"}""");

        var error = Assert.Throws<AwsServiceException>(() => ShapeValidator.ValidateRequest(Kinesis.Operation("PutRecord").Input, request.RootElement));

        Assert.Equal(
            "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=10485761 cap=10485761]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 10485760",
            error.Message);
    }

    /// <summary>
    /// Lambda's FunctionName pattern, through the restJson endpoint's URI binding: "Value 'SC-Name of the
    /// App-local-Sidecar-RenderOgImage' at 'functionName' failed to satisfy constraint: Member must satisfy regular
    /// expression pattern: …" (https://github.com/aarondfrancis/sidecar/issues/20).
    /// </summary>
    [Fact]
    public async Task A_Lambda_FunctionName_with_a_space_is_refused_by_its_pattern_through_restJson()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await LocalTwin.StartAsync(new LocalTwinSettings { DataDirectory = folder.Path, Port = 0 }, RepositoryRoot.Config, [], TimeProvider.System);
        using var client = new HttpClient();
        var pattern = ServiceModels.ById("Lambda").Operation("GetFunction").Input!.FindMember("FunctionName")!.Target.Pattern!.Text;

        using var response = await client.GetAsync(new Uri(twin.Api.Url, "2015-03-31/functions/my%20function"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationException", Assert.Single(response.Headers.GetValues("x-amzn-ErrorType")));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("(arn:(aws[a-zA-Z-]*)?:lambda:)?", pattern, StringComparison.Ordinal);
        Assert.Equal(
            $"1 validation error detected: Value 'my function' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}",
            body.GetProperty("Message").GetString());
    }

    /// <summary>
    /// EventBridge's HeaderValue pattern nests a repetition inside a repetition over the same characters: on a
    /// backtracking engine a value of spaced words ending in a control character takes time exponential in its length.
    /// It has no lookaround, so it runs on the non-backtracking engine and is decided at once.
    /// </summary>
    [Fact]
    public void A_nested_repetition_pattern_decides_a_pathological_value_without_timing_out()
    {
        var headerValue = new ShapePattern("^[ \\t]*[\\x20-\\x7E]+([ \\t]+[\\x20-\\x7E]+)*[ \\t]*$");

        Assert.False(headerValue.IsMatch(string.Concat(Enumerable.Repeat("a ", 250)) + "\u0001"));
        Assert.True(headerValue.IsMatch(string.Concat(Enumerable.Repeat("a ", 250)) + "a"));
    }

    /// <summary>A pattern that needs the backtracking engine (a lookahead) and backtracks without end is cut off by the match timeout and the value refused, with the reason.</summary>
    [Fact]
    public void A_pattern_match_that_times_out_is_a_clear_validation_error_not_a_hang()
    {
        var name = new Shape("Name", "string") { Pattern = new ShapePattern("(?=a)(a|aa)+b") };
        var input = new Shape("Input", "structure") { Members = [new ShapeMember("Name", name, null, false, null, null)] };
        using var request = JsonDocument.Parse($$"""{"Name":"{{new string('a', 200)}}"}""");

        var error = Assert.Throws<AwsServiceException>(() => ShapeValidator.ValidateRequest(input, request.RootElement));

        Assert.Equal("ValidationException", error.ErrorType);
        Assert.Equal(
            $"1 validation error detected: Value '{new string('a', 200)}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?=a)(a|aa)+b (the twin gave up matching after 100 ms)",
            error.Message);
    }

    private static IEnumerable<Shape> Reachable(Shape? root)
    {
        var seen = new HashSet<Shape>();
        var pending = new Stack<Shape>();
        if (root is not null)
        {
            pending.Push(root);
        }

        while (pending.TryPop(out var shape))
        {
            if (!seen.Add(shape))
            {
                continue;
            }

            yield return shape;
            foreach (var reference in shape.Members.Append(shape.Member).Append(shape.Key).Append(shape.Value))
            {
                if (reference is not null)
                {
                    pending.Push(reference.Target);
                }
            }
        }
    }
}
