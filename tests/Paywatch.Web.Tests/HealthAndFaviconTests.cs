using System.Net;

namespace Paywatch.Web.Tests;

/// <summary>The conventions of the tools users know: a health endpoint to poll, and a favicon.</summary>
public sealed class HealthAndFaviconTests
{
    [Fact]
    public async Task Health_lists_each_service_of_the_endpoint_running_as_LocalStacks_health_does()
    {
        await using var web = await WebTwin.StartAsync();

        var health = await web.GetOkAsync("/_paywatch/health");

        var services = health.GetProperty("services").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString(), StringComparer.Ordinal);
        // Every service the AWS CLI reaches on the twin's endpoint (README's examples use kinesis, cloudwatch, sqs).
        Assert.Equal(["cloudwatch", "events", "kinesis", "lambda", "logs", "sns", "sqs", "xray"], services.Keys.Order(StringComparer.Ordinal));
        Assert.All(services.Values, state => Assert.Equal("running", state));
        Assert.Equal("us-east-1", health.GetProperty("region").GetString());
        Assert.Equal(web.Twin.Api.Url.ToString().TrimEnd('/'), health.GetProperty("endpoint").GetString());
    }

    [Fact]
    public async Task The_favicon_is_a_16_pixel_ICO()
    {
        await using var web = await WebTwin.StartAsync();

        using var response = await web.Http.GetAsync(new Uri("/favicon.ico", UriKind.Relative));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/x-icon", response.Content.Headers.ContentType?.MediaType);
        // ICONDIR: reserved 0, type 1 (icon), one image of 16×16 at 32 bits, its data right after the 22-byte directory.
        Assert.Equal(new byte[] { 0, 0, 1, 0, 1, 0, 16, 16 }, body[..8]);
        Assert.Equal(32, BitConverter.ToInt16(body, 12));
        Assert.Equal(22, BitConverter.ToInt32(body, 18));
        Assert.Equal(body.Length - 22, BitConverter.ToInt32(body, 14));
    }
}
