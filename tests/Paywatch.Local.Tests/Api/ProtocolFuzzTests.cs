using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Paywatch.Local.Tests.Api;

/// <summary>
/// Random and adversarial bodies, in every protocol the endpoint speaks, against a running twin on 127.0.0.1: each is
/// answered (never a dropped connection), never with a 5xx, and the malformed ones with a 4xx; the twin answers valid
/// requests afterwards. Deterministic (one seed per protocol) and bounded in count; a failure names the seed and case.
/// </summary>
public sealed class ProtocolFuzzTests : RunningTwinTests
{
    private const int CasesPerProtocol = 240;

    private static readonly (string Target, string Version)[] JsonTargets =
    [
        .. new[] { "ListStreams", "ListShards", "DescribeStream", "DescribeStreamSummary", "PutRecord", "PutRecords", "GetShardIterator", "GetRecords" }
            .Select(o => ($"Kinesis_20131202.{o}", "1.1")),
        .. new[] { "PutEvents", "TestEventPattern", "ListRules", "DescribeRule", "ListTargetsByRule" }.Select(o => ($"AWSEvents.{o}", "1.1")),
        .. new[] { "GetQueueUrl", "ListQueues", "SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes" }.Select(o => ($"AmazonSQS.{o}", "1.0")),
        .. new[] { "DescribeAlarms", "GetMetricStatistics" }.Select(o => ($"GraniteServiceVersion20100801.{o}", "1.0")),
    ];

    /// <summary>Member names the services read, so that random bodies reach past the parser into the operations.</summary>
    private static readonly string[] Members =
    [
        "StreamName", "StreamARN", "PartitionKey", "Data", "Records", "ShardId", "ShardIterator", "ShardIteratorType", "Limit",
        "StartingSequenceNumber", "ExplicitHashKey", "NextToken", "MaxResults", "ExclusiveStartShardId", "Timestamp",
        "Entries", "Detail", "DetailType", "Source", "EventBusName", "Event", "EventPattern", "Name", "NamePrefix", "Rule",
        "QueueUrl", "QueueName", "MessageBody", "ReceiptHandle", "MaxNumberOfMessages", "AttributeNames", "VisibilityTimeout",
        "AlarmNames", "AlarmNamePrefix", "AlarmTypes", "StateValue", "ActionPrefix", "Namespace", "MetricName", "Dimensions",
        "StartTime", "EndTime", "Period", "Statistics", "ExtendedStatistics", "Unit", "MaxRecords",
    ];

    [Fact]
    public async Task JSON_protocol_bodies_to_every_service_are_answered_with_a_4xx_when_malformed_and_never_a_5xx()
    {
        var random = new Random(1801);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < CasesPerProtocol; i++)
        {
            var (target, version) = JsonTargets[random.Next(JsonTargets.Length)];
            var (kind, body) = JsonBody(random);
            using var request = Post(Twin.Api.Url, body, $"application/x-amz-json-{version}");
            request.Headers.Add("X-Amz-Target", target);
            // A stray byte in a member the operation never reads is not looked at (System.Text.Json checks UTF-8 when a
            // string is read), so only "never a 5xx" holds for those two kinds.
            await AssertAnsweredAsync(request, $"seed 1801 case {i} {target} {kind}", malformed: kind is not ("members" or "invalid UTF-8"));
        }

        await AssertStillServingAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), $"{CasesPerProtocol} cases took {watch.Elapsed}");
    }

    [Fact]
    public async Task Query_protocol_forms_are_answered_with_a_4xx_when_malformed_and_never_a_5xx()
    {
        var random = new Random(1802);
        for (var i = 0; i < CasesPerProtocol; i++)
        {
            var (kind, body) = QueryBody(random);
            using var request = Post(Twin.Api.Url, body, "application/x-www-form-urlencoded");
            request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261204/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0");
            await AssertAnsweredAsync(request, $"seed 1802 case {i} {kind}", malformed: kind != "parameters");
        }

        await AssertStillServingAsync();
    }

    [Fact]
    public async Task RPC_v2_CBOR_bodies_are_answered_with_a_4xx_when_malformed_and_never_a_5xx()
    {
        var random = new Random(1803);
        for (var i = 0; i < CasesPerProtocol; i++)
        {
            var operation = random.Next(3) switch { 0 => "DescribeAlarms", 1 => "GetMetricStatistics", _ => "Nope" };
            var (kind, body) = CborBodies.Adversarial(random);
            // text/plain: what a page elsewhere could send without a CORS preflight.
            using var request = Post(new Uri(Twin.Api.Url, $"service/GraniteServiceVersion20100801/operation/{operation}"), body, random.Next(2) == 0 ? "application/cbor" : "text/plain");
            await AssertAnsweredAsync(request, $"seed 1803 case {i} {operation} {kind}", malformed: true);
        }

        await AssertStillServingAsync();
    }

    private async Task AssertAnsweredAsync(HttpRequestMessage request, string what, bool malformed)
    {
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request);
        }
        catch (HttpRequestException e)
        {
            Assert.Fail($"{what}: the connection was dropped ({e.Message})");
            return;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True(status < 500, $"{what}: {status} {Encoding.UTF8.GetString(body)}");
            Assert.True(!malformed || status is >= 400 and < 500, $"{what}: {status} for a malformed body");
        }
    }

    /// <summary>A valid request in each protocol still gets its answer.</summary>
    private async Task AssertStillServingAsync()
    {
        using var json = Post(Twin.Api.Url, "{}", "application/x-amz-json-1.1");
        json.Headers.Add("X-Amz-Target", "Kinesis_20131202.ListStreams");
        using var jsonResponse = await Http.SendAsync(json);
        Assert.Equal(HttpStatusCode.OK, jsonResponse.StatusCode);
        Assert.Contains(Twin.Settings.StreamName, await jsonResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var cbor = Post(new Uri(Twin.Api.Url, "service/GraniteServiceVersion20100801/operation/DescribeAlarms"), [0xa0], "application/cbor");
        using var cborResponse = await Http.SendAsync(cbor);
        Assert.Equal(HttpStatusCode.OK, cborResponse.StatusCode);

        using var query = Post(Twin.Api.Url, "Action=DescribeAlarms&Version=2010-08-01", "application/x-www-form-urlencoded");
        query.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261204/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0");
        using var queryResponse = await Http.SendAsync(query);
        Assert.Equal(HttpStatusCode.OK, queryResponse.StatusCode);
    }

    private static (string Kind, byte[] Body) JsonBody(Random random)
    {
        switch (random.Next(7))
        {
            case 0:
                return ("random bytes", RandomBytes(random, 1 + random.Next(2000)));
            case 1:
                var depth = RequestLimitsDepthPast(random);
                return ("deep arrays", Encoding.UTF8.GetBytes($"{{\"Records\":{new string('[', depth)}{new string(']', depth)}}}"));
            case 2:
                var objects = RequestLimitsDepthPast(random);
                return ("deep objects", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"Entries\":", objects)) + "1" + new string('}', objects)));
            case 3:
                var whole = Encoding.UTF8.GetBytes(RandomJson(random, 0, object_: true));
                return ("truncated", whole[..Math.Max(1, random.Next(whole.Length))]);
            case 4:
                return ("not an object", Encoding.UTF8.GetBytes(random.Next(4) switch { 0 => "[]", 1 => "\"x\"", 2 => "1e999", _ => "null" }));
            case 5:
                var valid = Encoding.UTF8.GetBytes(RandomJson(random, 0, object_: true));
                valid[random.Next(valid.Length)] = (byte)random.Next(0x80, 0x100);
                return ("invalid UTF-8", valid);
            default:
                return ("members", Encoding.UTF8.GetBytes(RandomJson(random, 0, object_: true)));
        }
    }

    private static int RequestLimitsDepthPast(Random random) =>
        random.Next(3) switch { 0 => Paywatch.Local.Api.RequestLimits.MaxDepth + 1, 1 => 1_000 + random.Next(9_000), _ => 100_000 + random.Next(100_000) };

    /// <summary>A JSON value of the shapes AWS requests have, with the services' member names and hostile values.</summary>
    private static string RandomJson(Random random, int depth, bool object_ = false)
    {
        var kind = object_ ? 0 : random.Next(depth > 4 ? 2 : 4) + (depth > 4 ? 2 : 0);
        switch (kind)
        {
            case 0:
                var members = Enumerable.Range(0, random.Next(6)).Select(_ => $"\"{Members[random.Next(Members.Length)]}\":{RandomJson(random, depth + 1)}");
                return "{" + string.Join(',', members) + "}";
            case 1:
                return "[" + string.Join(',', Enumerable.Range(0, random.Next(5)).Select(_ => RandomJson(random, depth + 1))) + "]";
            case 2:
                return random.Next(10) switch
                {
                    0 => "-1", 1 => "0", 2 => "2147483648", 3 => "-9223372036854775809", 4 => "1e308", 5 => "1.5", 6 => "340282366920938463463374607431768211456",
                    7 => "true", 8 => "null", _ => random.Next(-100, 100_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
            default:
                return random.Next(8) switch
                {
                    0 => "\"\"", 1 => "\"shardId-000000000000\"", 2 => "\"transaction-stream-local\"", 3 => "\"AAAA\"", 4 => "\"not base64!\"",
                    5 => "\"{\\\"source\\\":[{\\\"prefix\\\":\\\"\\\"}]}\"", 6 => $"\"{new string('x', random.Next(300))}\"", _ => "\"\\ud800\"",
                };
        }
    }

    private static (string Kind, byte[] Body) QueryBody(Random random)
    {
        switch (random.Next(5))
        {
            case 0:
                return ("random bytes", RandomBytes(random, 1 + random.Next(2000)));
            case 1:
                return ("bad escapes", Encoding.ASCII.GetBytes("Action=DescribeAlarms%&%zz=%" + string.Concat(Enumerable.Repeat("%FF%FE&=&&%", random.Next(1, 200)))));
            case 2:
                return ("no action", Encoding.ASCII.GetBytes(string.Join('&', Enumerable.Range(0, random.Next(1, 3000)).Select(i => $"p{i}=v"))));
            case 3:
                return ("unknown action", Encoding.ASCII.GetBytes($"Action={Uri.EscapeDataString(new string((char)random.Next('A', 'Z'), random.Next(1, 50)))}"));
            default:
                var names = new[] { "AlarmNames.member.1", "AlarmNames.member.999999999999", "AlarmTypes.member.1", "StateValue", "AlarmNamePrefix", "ActionPrefix", "MaxRecords" };
                var values = new[] { "", "ALARM", "OK", "MetricAlarm", "CompositeAlarm", "%00", "x%2By", "-1", new string('a', 2000) };
                var parameters = Enumerable.Range(0, random.Next(6)).Select(_ => $"{names[random.Next(names.Length)]}={values[random.Next(values.Length)]}");
                return ("parameters", Encoding.ASCII.GetBytes(string.Join('&', parameters.Prepend("Action=DescribeAlarms"))));
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static HttpRequestMessage Post(Uri url, string body, string contentType) => Post(url, Encoding.UTF8.GetBytes(body), contentType);

    private static HttpRequestMessage Post(Uri url, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
    }
}
