using System.Net;
using System.Text;
using Paywatch.Local.Api;

namespace Paywatch.Local.Tests.Api;

/// <summary>Which Host and Origin the endpoint serves: loopback names and addresses, and the names the user adds.</summary>
public sealed class RequestAdmissionTests
{
    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData("localhost.")]
    [InlineData("paywatch.localhost")]
    [InlineData("a.b.localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.3.4")]
    [InlineData("[::1]")]
    [InlineData("[0:0:0:0:0:0:0:1]")]
    public void Loopback_names_and_addresses_are_allowed(string host) => Assert.True(AllowedHosts.LoopbackOnly.IsAllowed(host));

    [Theory]
    [InlineData("evil.example")]
    [InlineData("localhost.evil.example")]
    [InlineData("evillocalhost")]
    [InlineData("127.0.0.1.evil.example")]
    [InlineData("128.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("10.0.0.1")]
    [InlineData("127.1")]
    [InlineData("2130706433")]
    [InlineData("0x7f000001")]
    [InlineData("127.0.0.256")]
    [InlineData("[::2]")]
    [InlineData("[::ffff:8.8.8.8]")]
    [InlineData("")]
    [InlineData(null)]
    public void Other_names_and_lenient_address_forms_are_refused(string? host) => Assert.False(AllowedHosts.LoopbackOnly.IsAllowed(host));

    [Fact]
    public void Names_added_by_the_user_are_allowed_as_given_without_case()
    {
        var allowed = new AllowedHosts(["paywatch.internal", "192.168.1.20", "fd00::1"]);

        Assert.True(allowed.IsAllowed("Paywatch.Internal"));
        Assert.True(allowed.IsAllowed("192.168.1.20"));
        Assert.True(allowed.IsAllowed("[fd00::1]"));
        Assert.True(allowed.IsAllowed("localhost"));
        Assert.False(allowed.IsAllowed("other.internal"));
    }

    /// <summary>HTTP/2 carries the host as <c>:authority</c> (RFC 9113 §8.3.1); the SDK's Kinesis client speaks HTTP/2.</summary>
    [Fact]
    public async Task An_HTTP2_request_with_a_foreign_authority_is_refused_and_a_loopback_one_served()
    {
        var service = new CountingService();
        await using var server = await AwsApiServer.StartAsync(0, [service]);
        using var http = new HttpClient();

        using var foreign = await http.SendAsync(Request(server, $"evil.example:{server.Url.Port}"));
        using var loopback = await http.SendAsync(Request(server, $"localhost:{server.Url.Port}"));

        Assert.Equal(HttpVersion.Version20, foreign.Version);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal("AccessDeniedException", foreign.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal(HttpStatusCode.OK, loopback.StatusCode);
        Assert.Equal(1, service.Calls);
    }

    [Fact]
    public async Task A_name_given_to_the_server_is_served_and_others_still_refused()
    {
        var service = new CountingService();
        await using var server = await AwsApiServer.StartAsync(0, [service], allowedHosts: new AllowedHosts(["paywatch.internal"]));
        using var http = new HttpClient();

        using var added = await http.SendAsync(Request(server, $"paywatch.internal:{server.Url.Port}", HttpVersion.Version11));
        using var other = await http.SendAsync(Request(server, $"evil.example:{server.Url.Port}", HttpVersion.Version11));

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(1, service.Calls);
    }

    [Fact]
    public async Task A_request_without_a_Host_is_refused()
    {
        var service = new CountingService();
        await using var server = await AwsApiServer.StartAsync(0, [service]);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Url.Port);
        var stream = tcp.GetStream();

        // HTTP/1.0 may leave Host out; every browser sends it.
        await stream.WriteAsync("POST / HTTP/1.0\r\nX-Amz-Target: Count_2026.Count\r\nContent-Length: 2\r\n\r\n{}"u8.ToArray());
        using var reader = new StreamReader(stream);
        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Matches(@"^HTTP/1\.\d 403", statusLine);
        Assert.Equal(0, service.Calls);
    }

    private static HttpRequestMessage Request(AwsApiServer server, string host, Version? version = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, server.Url)
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.1"),
            Version = version ?? HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = host;
        request.Headers.Add("X-Amz-Target", "Count_2026.Count");
        return request;
    }

    private sealed class CountingService : IAwsJsonService
    {
        private int _calls;

        public int Calls => _calls;

        public string TargetPrefix => "Count_2026";

        public string JsonVersion => "1.1";

        public ValueTask<byte[]> HandleAsync(string operation, ReadOnlyMemory<byte> requestBody, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult("{}"u8.ToArray());
        }
    }
}
