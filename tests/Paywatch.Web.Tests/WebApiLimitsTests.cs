using System.Net;
using Paywatch.Local.Api;

namespace Paywatch.Web.Tests;

/// <summary>The web API's bodies are bounded in size and in how deep what they carry may nest.</summary>
public sealed class WebApiLimitsTests
{
    [Fact]
    public async Task A_web_API_body_past_its_limit_is_a_413_in_the_APIs_error_shape()
    {
        await using var web = await WebTwin.StartAsync();
        var huge = $$"""{"messageIds":["{{new string('a', RequestLimits.MaxWebApiBodyBytes)}}"]}""";

        var (status, body) = await web.PostAsync("/api/dlq/redrive", huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task A_JSON_body_nested_past_the_depth_limit_is_a_400()
    {
        await using var web = await WebTwin.StartAsync();
        var depth = 100_000;

        // A widget's properties are any JSON, read whole: only the depth limit stops them.
        var (status, body) = await web.PostAsync("/api/widgets/log", $$"""{"properties":{{new string('[', depth)}}{{new string(']', depth)}},"start":"2026-11-26T12:00:00Z","end":"2026-11-26T12:05:00Z"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("depth", body.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_log_widget_query_nested_past_the_limit_is_a_400_and_the_twin_keeps_serving()
    {
        await using var web = await WebTwin.StartAsync();
        var depth = 200_000;
        var query = "SOURCE '/aws/lambda/transaction-processor-local' | fields " + new string('(', depth) + "1" + new string(')', depth);

        var (status, body) = await web.PostAsync("/api/widgets/log", $$"""{ "properties": { "query": "{{query}}" }, "start": "2026-11-26T12:00:00Z", "end": "2026-11-26T12:05:00Z" }""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("deeper than", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        await web.GetOkAsync("/api/status");
    }

    [Fact]
    public async Task A_metric_widget_expression_nested_past_the_limit_is_refused_and_the_twin_keeps_serving()
    {
        await using var web = await WebTwin.StartAsync();
        var expression = string.Join(" + ", Enumerable.Repeat("m1", 200_000));

        var (status, body) = await web.PostAsync("/api/widgets/metric", $$"""
            { "properties": { "period": 60, "stat": "Sum", "metrics": [[{ "expression": "{{expression}}", "id": "e1" }]] },
              "start": "2026-11-26T12:00:00Z", "end": "2026-11-26T12:05:00Z" }
            """);

        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)status}");
        Assert.Contains("deeper than", body.GetRawText(), StringComparison.Ordinal);
        await web.GetOkAsync("/api/status");
    }
}
