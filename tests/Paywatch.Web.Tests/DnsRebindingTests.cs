using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Paywatch.Local.Streams;

namespace Paywatch.Web.Tests;

/// <summary>
/// A page on another site whose name rebinds to 127.0.0.1 (https://en.wikipedia.org/wiki/DNS_rebinding) reaches the twin
/// with its own name in <c>Host</c>, and a page anywhere can POST to 127.0.0.1 with its own <c>Origin</c>: neither may
/// read or change anything, on the web API or the AWS APIs of the same port.
/// </summary>
public sealed class DnsRebindingTests
{
    private const string Evil = "evil.example";

    [Fact]
    public async Task A_foreign_Host_reads_nothing_and_changes_nothing_on_any_route()
    {
        await using var web = await WebTwin.StartAsync();
        var (messageId, records) = await FailedBatchInQueueAsync(web);
        var host = $"{Evil}:{web.Twin.Api.Url.Port}";
        var queueUrl = $"{web.Twin.Api.Url}000000000000/{web.Twin.Settings.DeadLetterQueueName}";

        var refused = new List<(string What, HttpResponseMessage Response)>
        {
            ("GET /api/status", await web.Http.SendAsync(Request(HttpMethod.Get, "api/status", host))),
            ("GET /api/traces", await web.Http.SendAsync(Request(HttpMethod.Get, "api/traces", host))),
            ("GET /api/dlq", await web.Http.SendAsync(Request(HttpMethod.Get, "api/dlq", host))),
            ("GET /", await web.Http.SendAsync(Request(HttpMethod.Get, "", host))),
            ("POST /api/dlq/redrive", await web.Http.SendAsync(Request(HttpMethod.Post, "api/dlq/redrive", host, "{}", "application/json"))),
            ("SQS ReceiveMessage", await web.Http.SendAsync(Aws(host, "AmazonSQS.ReceiveMessage", "1.0", $$"""{"QueueUrl":"{{queueUrl}}","MaxNumberOfMessages":10}"""))),
            ("Kinesis PutRecord", await web.Http.SendAsync(Aws(host, "Kinesis_20131202.PutRecord", "1.1",
                $$"""{"StreamName":"{{web.Twin.Settings.StreamName}}","PartitionKey":"k","Data":"{{Convert.ToBase64String("{}"u8)}}"}"""))),
        };

        foreach (var (what, response) in refused)
        {
            using (response)
            {
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{what}: {(int)response.StatusCode}");
                var body = await response.Content.ReadAsStringAsync();
                Assert.DoesNotContain(web.Twin.Settings.StreamName, body, StringComparison.Ordinal);
                Assert.Contains(Evil, body, StringComparison.Ordinal);
            }
        }

        // Nothing received, redriven or put.
        var message = Assert.Single(web.Twin.DeadLetterQueue.Peek());
        Assert.Equal((messageId, 0, true), (message.MessageId, message.ReceiveCount, message.Visible));
        Assert.Equal(records, RecordsOnStream(web));

        // The same redrive under the twin's own name does change things: only the Host stopped it above.
        var (status, redrive) = await web.PostAsync("/api/dlq/redrive", "{}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(messageId, redrive.GetProperty("redriven")[0].GetProperty("messageId").GetString());
        Assert.Equal(records + 1, RecordsOnStream(web));
    }

    [Fact]
    public async Task The_AWS_routes_refuse_a_foreign_Host_in_their_own_error_shapes()
    {
        await using var web = await WebTwin.StartAsync();
        var host = $"{Evil}:{web.Twin.Api.Url.Port}";

        using var json = await web.Http.SendAsync(Aws(host, "Kinesis_20131202.ListStreams", "1.1", "{}"));
        Assert.Equal(HttpStatusCode.Forbidden, json.StatusCode);
        Assert.Equal("AccessDeniedException", json.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("AccessDeniedException", JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement.GetProperty("__type").GetString());

        using var query = Request(HttpMethod.Post, "", host, "Action=DescribeAlarms&Version=2010-08-01", "application/x-www-form-urlencoded");
        using var xml = await web.Http.SendAsync(query);
        Assert.Equal(HttpStatusCode.Forbidden, xml.StatusCode);
        Assert.Contains("<Code>AccessDeniedException</Code>", await xml.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var cbor = await web.Http.SendAsync(Request(HttpMethod.Post, "service/GraniteServiceVersion20100801/operation/DescribeAlarms", host, "", "application/cbor"));
        Assert.Equal(HttpStatusCode.Forbidden, cbor.StatusCode);
        Assert.Equal("application/cbor", cbor.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("https://evil.example:4600")]
    [InlineData("http://127.0.0.1.evil.example")]
    [InlineData("null")]
    public async Task A_state_changing_request_from_a_foreign_Origin_is_refused_and_changes_nothing(string origin)
    {
        await using var web = await WebTwin.StartAsync();
        var (messageId, records) = await FailedBatchInQueueAsync(web);
        var host = web.Twin.Api.Url.Authority;

        using var request = Request(HttpMethod.Post, "api/dlq/redrive", host, "{}", "application/json");
        request.Headers.Add("Origin", origin);
        using var response = await web.Http.SendAsync(request);
        // A CORS-safelisted content type needs no preflight: the CBOR route must refuse such a POST too.
        using var cborRequest = Request(HttpMethod.Post, "service/GraniteServiceVersion20100801/operation/DescribeAlarms", host, "", "text/plain");
        cborRequest.Headers.Add("Origin", origin);
        using var cbor = await web.Http.SendAsync(cborRequest);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(origin, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, cbor.StatusCode);
        Assert.Equal(messageId, Assert.Single(web.Twin.DeadLetterQueue.Peek()).MessageId);
        Assert.Equal(records, RecordsOnStream(web));
    }

    [Theory]
    [InlineData("http://localhost:5173")]
    [InlineData("http://127.0.0.1:4600")]
    [InlineData("http://[::1]:8080")]
    [InlineData("http://dashboard.localhost")]
    public async Task A_state_changing_request_from_a_loopback_Origin_is_served(string origin)
    {
        await using var web = await WebTwin.StartAsync();
        await FailedBatchInQueueAsync(web);

        using var request = Request(HttpMethod.Post, "api/dlq/redrive", web.Twin.Api.Url.Authority, "{}", "application/json");
        request.Headers.Add("Origin", origin);
        using var response = await web.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(web.Twin.DeadLetterQueue.Peek());
    }

    [Fact]
    public async Task A_foreign_Origin_may_still_read_since_the_browser_keeps_the_answer_from_it()
    {
        await using var web = await WebTwin.StartAsync();

        using var request = Request(HttpMethod.Get, "api/status", web.Twin.Api.Url.Authority);
        request.Headers.Add("Origin", "http://evil.example");
        using var response = await web.Http.SendAsync(request);

        // No CORS headers are sent, so the page cannot read this; the Host rule is what stops a rebinding page.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    /// <summary>A record on the stream and an on-failure message for it in the DLQ, as the mapping would leave them.</summary>
    private static async Task<(string MessageId, int Records)> FailedBatchInQueueAsync(WebTwin web)
    {
        var stream = web.Twin.Stream;
        var entry = new PutRecordEntry("card-x", Encoding.UTF8.GetBytes("""{"transaction_id":"txn-x"}"""));
        var put = await stream.PutRecordAsync(entry);
        var sequence = put.SequenceNumber!.Value.ToString(CultureInfo.InvariantCulture);
        var body = $$$"""
            {"KinesisBatchInfo":{"shardId":"{{{stream.ShardFor(entry)}}}","streamArn":"{{{stream.StreamArn}}}","startSequenceNumber":"{{{sequence}}}","endSequenceNumber":"{{{sequence}}}","batchSize":1}}
            """;
        var (messageId, _) = web.Twin.DeadLetterQueue.SendMessage(body);
        return (messageId, RecordsOnStream(web));
    }

    private static int RecordsOnStream(WebTwin web) =>
        web.Twin.Stream.ShardIds.Sum(shard => web.Twin.Stream.Read(shard, null, 10_000, int.MaxValue).Count);

    private static HttpRequestMessage Request(HttpMethod method, string path, string host, string? body = null, string? contentType = null)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Host = host;
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType!);
        }

        return request;
    }

    private static HttpRequestMessage Aws(string host, string target, string jsonVersion, string body)
    {
        var request = Request(HttpMethod.Post, "", host, body, $"application/x-amz-json-{jsonVersion}");
        request.Headers.Add("X-Amz-Target", target);
        return request;
    }
}
