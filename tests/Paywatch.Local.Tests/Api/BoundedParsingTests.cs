using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Paywatch.Local.Api;

namespace Paywatch.Local.Tests.Api;

/// <summary>Every body parser of the endpoint stops at its depth and size limits with a 4xx in its protocol's error shape.</summary>
public sealed class BoundedParsingTests : RunningTwinTests
{
    private const string DescribeAlarmsPath = "service/GraniteServiceVersion20100801/operation/DescribeAlarms";

    /// <summary>
    /// The crash this was found by: 100,000 nested tags ended the process with a stack overflow. text/plain is a
    /// CORS-safelisted content type, so any page could send it without a preflight.
    /// </summary>
    [Fact]
    public async Task A_CBOR_body_of_100000_nested_tags_is_a_400_SerializationException_and_the_twin_keeps_serving()
    {
        using var response = await PostAsync(DescribeAlarmsPath, CborBodies.DeepTags(), "text/plain");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("rpc-v2-cbor", response.Headers.GetValues("smithy-protocol").Single());
        var (type, message) = CborError(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("SerializationException", type);
        Assert.Contains($"deeper than {RequestLimits.MaxDepth}", message, StringComparison.Ordinal);

        using var valid = await PostAsync(DescribeAlarmsPath, CborBodies.ValidDescribeAlarms(), "application/cbor");
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
    }

    [Theory]
    [InlineData(RequestLimits.MaxDepth, true)]
    [InlineData(RequestLimits.MaxDepth + 1, false)]
    public void CBOR_nesting_is_read_up_to_the_depth_limit_and_no_further(int depth, bool read)
    {
        // depth - 1 arrays around a 0: depth levels in all.
        byte[] cbor = [.. Enumerable.Repeat((byte)0x81, depth - 1), 0x00];

        if (read)
        {
            var json = Encoding.UTF8.GetString(RpcV2CborEndpoint.ToJson(cbor));
            Assert.Equal(new string('[', depth - 1) + "0" + new string(']', depth - 1), json);
        }
        else
        {
            Assert.Equal("SerializationException", Assert.Throws<AwsServiceException>(() => RpcV2CborEndpoint.ToJson(cbor)).ErrorType);
        }
    }

    [Fact]
    public void CBOR_values_JSON_has_no_room_for_are_read_exactly_or_refused()
    {
        // {"big": 2^64-1, "low": -2^64, "chunked": "ab" as an indefinite-length text string}
        byte[] cbor =
        [
            0xa3,
            0x63, .. "big"u8, 0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0x63, .. "low"u8, 0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0x67, .. "chunked"u8, 0x7f, 0x61, (byte)'a', 0x61, (byte)'b', 0xff,
        ];

        Assert.Equal("""{"big":18446744073709551615,"low":-18446744073709551616,"chunked":"ab"}""", Encoding.UTF8.GetString(RpcV2CborEndpoint.ToJson(cbor)));
        Assert.Throws<AwsServiceException>(() => RpcV2CborEndpoint.ToJson([0xa1, 0x61, (byte)'a', 0xf9, 0x7e, 0x00]));
        Assert.Throws<AwsServiceException>(() => RpcV2CborEndpoint.ToJson([0xa0, 0xa0]));
    }

    [Theory]
    [InlineData("map of 2^64-1 entries", new byte[] { 0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 })]
    [InlineData("byte string of 2^64-1 bytes", new byte[] { 0xa1, 0x61, 0x61, 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 })]
    [InlineData("text string cut short", new byte[] { 0xa1, 0x61, 0x61, 0x65, 0x41, 0x4c })]
    [InlineData("map cut short", new byte[] { 0xa2, 0x61, 0x61, 0x00 })]
    [InlineData("indefinite array never broken", new byte[] { 0xa1, 0x61, 0x61, 0x9f, 0x9f, 0x9f, 0x00 })]
    [InlineData("indefinite text of a byte chunk", new byte[] { 0xa1, 0x61, 0x61, 0x7f, 0x41, 0x00, 0xff })]
    [InlineData("a lone break", new byte[] { 0xff })]
    public async Task Malformed_CBOR_is_a_400_in_the_CBOR_error_shape(string what, byte[] body)
    {
        using var response = await PostAsync(DescribeAlarmsPath, body, "application/cbor");

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode}");
        Assert.Equal("application/cbor", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrEmpty(CborError(await response.Content.ReadAsByteArrayAsync()).Type));
    }

    [Fact]
    public async Task A_CBOR_body_past_its_limit_is_a_413_before_it_is_read_whole()
    {
        var body = new byte[RequestLimits.MaxCloudWatchBodyBytes + 1];

        using var response = await PostAsync(DescribeAlarmsPath, body, "application/cbor");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("RequestEntityTooLargeException", CborError(await response.Content.ReadAsByteArrayAsync()).Type);
    }

    [Theory]
    [InlineData("Kinesis_20131202.ListStreams", "1.1")]
    [InlineData("AWSEvents.PutEvents", "1.1")]
    [InlineData("AmazonSQS.ReceiveMessage", "1.0")]
    [InlineData("GraniteServiceVersion20100801.DescribeAlarms", "1.0")]
    public async Task JSON_nested_past_the_depth_limit_is_a_400_SerializationException(string target, string version)
    {
        var depth = 100_000;
        var body = Encoding.UTF8.GetBytes($"{{\"a\":{new string('[', depth)}{new string(']', depth)}}}");

        using var response = await PostAsync("", body, $"application/x-amz-json-{version}", target);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("SerializationException", response.Headers.GetValues("x-amzn-ErrorType").Single());
    }

    [Fact]
    public async Task A_declared_Content_Length_past_the_limit_is_refused_without_reading_the_body()
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Twin.Api.Url.Port);
        var stream = tcp.GetStream();

        // 2 GB declared, nothing sent: the answer must not wait for (or make room for) the body.
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST / HTTP/1.1\r\nHost: 127.0.0.1:{Twin.Api.Url.Port}\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 2000000000\r\n\r\n"));
        using var reader = new StreamReader(stream);
        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 413", statusLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_form_past_its_limit_is_a_413_in_the_query_error_shape()
    {
        var body = Encoding.ASCII.GetBytes("Action=DescribeAlarms&AlarmNamePrefix=" + new string('a', RequestLimits.MaxCloudWatchBodyBytes));

        using var response = await PostAsync("", body, "application/x-www-form-urlencoded", authorization: QueryAuthorization);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("<Code>RequestEntityTooLargeException</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A gzip bomb: 64 KiB that inflate to 64 MiB. The decompressed body is held to the same limit as a plain one.</summary>
    [Fact]
    public async Task A_gzip_body_that_inflates_past_the_limit_is_a_413_and_the_twin_keeps_serving()
    {
        var bomb = Gzip(new byte[64 * 1024 * 1024]);
        Assert.True(bomb.Length < RequestLimits.MaxCloudWatchBodyBytes / 8);

        using var cbor = await PostAsync(DescribeAlarmsPath, bomb, "application/cbor", encoding: "gzip");
        using var query = await PostAsync("", bomb, "application/x-www-form-urlencoded", authorization: QueryAuthorization, encoding: "gzip");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, cbor.StatusCode);
        Assert.Equal("RequestEntityTooLargeException", CborError(await cbor.Content.ReadAsByteArrayAsync()).Type);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, query.StatusCode);
        Assert.Contains("<Code>RequestEntityTooLargeException</Code>", await query.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var valid = await PostAsync(DescribeAlarmsPath, Gzip(CborBodies.ValidDescribeAlarms()), "application/cbor", encoding: "gzip");
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
    }

    [Fact]
    public async Task A_body_sent_as_gzip_that_is_not_gzip_is_a_400_SerializationException()
    {
        using var response = await PostAsync(DescribeAlarmsPath, CborBodies.ValidDescribeAlarms(), "application/cbor", encoding: "gzip");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("SerializationException", CborError(await response.Content.ReadAsByteArrayAsync()).Type);
    }

    private const string QueryAuthorization = "AWS4-HMAC-SHA256 Credential=AKID/20261204/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0";

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.SmallestSize))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }

    private async Task<HttpResponseMessage> PostAsync(
        string path, byte[] body, string contentType, string? target = null, string? authorization = null, string? encoding = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Twin.Api.Url, path)) { Content = content };
        if (target is not null)
        {
            request.Headers.Add("X-Amz-Target", target);
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await Http.SendAsync(request);
    }

    private static (string Type, string Message) CborError(byte[] body)
    {
        var json = JsonDocument.Parse(RpcV2CborEndpoint.ToJson(body)).RootElement;
        return (json.GetProperty("__type").GetString()!, json.GetProperty("message").GetString()!);
    }
}
