using System.Net;
using System.Text;
using System.Text.Json;
using Paywatch.Local.Api;

namespace Paywatch.Local.Tests.Api;

public sealed class AwsApiServerTests
{
    [Fact]
    public async Task A_JSON_request_reaches_the_service_of_its_target_prefix()
    {
        await using var server = await AwsApiServer.StartAsync(0, [new EchoService()]);
        using var http = new HttpClient();

        using var response = await Post(http, server, "Echo_2020.Ping", """{"a":1}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("""{"operation":"Ping","request":{"a":1}}""", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.Contains("x-amzn-RequestId"));
    }

    /// <summary>https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization</summary>
    [Fact]
    public async Task A_service_error_comes_back_in_the_JSON_error_shape_with_its_type_header()
    {
        await using var server = await AwsApiServer.StartAsync(0, [new EchoService()]);
        using var http = new HttpClient();

        using var response = await Post(http, server, "Echo_2020.Missing", "{}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ResourceNotFoundException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ResourceNotFoundException", error.GetProperty("__type").GetString());
        Assert.Equal("Stream missing not found.", error.GetProperty("message").GetString());
    }

    /// <summary>The AWS SDK for JavaScript's Kinesis client speaks HTTP/2 with prior knowledge (RFC 9113 §3.3) on http://.</summary>
    [Fact]
    public async Task Cleartext_HTTP2_and_HTTP1_are_both_served_on_the_one_port()
    {
        await using var server = await AwsApiServer.StartAsync(0, [new EchoService()]);
        using var http = new HttpClient();

        foreach (var version in new[] { HttpVersion.Version20, HttpVersion.Version11 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, server.Url)
            {
                Content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.1"),
                Version = version,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            request.Headers.Add("X-Amz-Target", "Echo_2020.Ping");
            using var response = await http.SendAsync(request);

            Assert.Equal(version, response.Version);
            Assert.Equal("""{"operation":"Ping","request":{}}""", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_request_shorter_than_the_HTTP2_preface_is_still_answered()
    {
        await using var server = await AwsApiServer.StartAsync(0, [new EchoService()]);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Url.Port);
        var stream = tcp.GetStream();

        await stream.WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
        using var reader = new StreamReader(stream);
        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.", statusLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_target_is_an_UnknownOperationException()
    {
        await using var server = await AwsApiServer.StartAsync(0, [new EchoService()]);
        using var http = new HttpClient();

        using var response = await Post(http, server, "Nobody_2020.Ping", "{}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("UnknownOperationException", response.Headers.GetValues("x-amzn-ErrorType").Single());
    }

    private static async Task<HttpResponseMessage> Post(HttpClient http, AwsApiServer server, string target, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1"),
        };
        request.Headers.Add("X-Amz-Target", target);
        return await http.SendAsync(request);
    }

    private sealed class EchoService : IAwsJsonService
    {
        public string TargetPrefix => "Echo_2020";

        public string JsonVersion => "1.1";

        public ValueTask<byte[]> HandleAsync(string operation, ReadOnlyMemory<byte> requestBody, CancellationToken cancellationToken) =>
            operation == "Ping"
                ? ValueTask.FromResult(Encoding.UTF8.GetBytes($$"""{"operation":"{{operation}}","request":{{Encoding.UTF8.GetString(requestBody.Span)}}}"""))
                : throw new AwsServiceException("ResourceNotFoundException", "Stream missing not found.");
    }
}
