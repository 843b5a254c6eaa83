using System.Text.Json;
using Paywatch.Aws.EventBridge;

namespace Paywatch.Aws.Tests.EventBridge;

/// <summary>The request on the wire, against the PutEvents API reference (request syntax and example).</summary>
public sealed class PutEventsRequestTests
{
    [Fact]
    public async Task Request_is_the_API_references_shape_with_Detail_as_an_escaped_string_and_Time_in_epoch_seconds()
    {
        await using var fixture = await PutEventsFixture.StartAsync();
        var publisher = fixture.Publisher();

        var outcome = await publisher.PublishDetailedAsync(new[] { PutEventsFixture.Entry("""{"transaction_id":"t-1","note":"a \"quoted\" é"}""") }, CancellationToken.None);

        Assert.Empty(outcome.Failures);
        Assert.Empty(fixture.Endpoint.Rejections);
        var call = Assert.Single(fixture.Endpoint.Calls);
        // 2026-11-26T12:00:00.123Z is 1795694400.123 seconds (date -u -d @1795694400) after the epoch.
        Assert.Equal(
            """{"Entries":[{"Source":"paywatch.transactions","DetailType":"Transaction Processed","Detail":"{\"transaction_id\":\"t-1\",\"note\":\"a \\\"quoted\\\" é\"}","EventBusName":"paywatch-transactions","Time":1795694400.123}]}""",
            call.Body);
    }

    [Fact]
    public async Task Every_member_is_one_the_request_syntax_defines()
    {
        await using var fixture = await PutEventsFixture.StartAsync();

        await fixture.Publisher().PublishAsync(PutEventsFixture.Entries(3), CancellationToken.None);

        // PutEvents request syntax: {"EndpointId", "Entries": [{"Detail", "DetailType", "EventBusName", "Resources", "Source", "Time", "TraceHeader"}]}
        string[] entryMembers = ["Detail", "DetailType", "EventBusName", "Resources", "Source", "Time", "TraceHeader"];
        using var document = JsonDocument.Parse(Assert.Single(fixture.Endpoint.Calls).Body);
        Assert.All(document.RootElement.EnumerateObject(), p => Assert.Contains(p.Name, new[] { "EndpointId", "Entries" }));
        Assert.All(document.RootElement.GetProperty("Entries").EnumerateArray(), entry =>
        {
            Assert.All(entry.EnumerateObject(), p => Assert.Contains(p.Name, entryMembers));
            Assert.Equal(JsonValueKind.String, entry.GetProperty("Detail").ValueKind);
            Assert.Equal(JsonValueKind.Number, entry.GetProperty("Time").ValueKind);
            Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(entry.GetProperty("Detail").GetString()!).RootElement.ValueKind);
        });
    }

    [Fact]
    public void Entry_size_is_EventBridges_measure_Time_14_bytes_plus_UTF8_lengths()
    {
        // Source 21 bytes, DetailType 21 bytes, Detail {"a":"é"} = 10 UTF-8 bytes; EventBusName does not count.
        var entry = PutEventsFixture.Entry("""{"a":"é"}""");

        Assert.Equal(14 + 21 + 21 + 10, PutEventsEntrySize.Of(entry));
    }

    [Fact]
    public async Task A_request_signed_with_other_credentials_is_refused_by_the_endpoint_and_reported_failed()
    {
        await using var fixture = await PutEventsFixture.StartAsync();
        var publisher = fixture.Publisher(credentials: PutEventsFixture.Credentials with { SecretAccessKey = "wrong" });

        var outcome = await publisher.PublishDetailedAsync(PutEventsFixture.Entries(2), CancellationToken.None);

        Assert.Equal([0, 1], outcome.Failures.Select(f => f.Index));
        Assert.All(outcome.Failures, f => Assert.Equal("InvalidSignatureException", f.ErrorCode));
        Assert.Contains(fixture.Endpoint.Rejections, r => r.StartsWith("InvalidSignatureException: signature mismatch", StringComparison.Ordinal));
        Assert.Equal(1, fixture.Endpoint.Requests);
    }

    [Fact]
    public async Task A_request_without_the_session_token_is_refused()
    {
        await using var fixture = await PutEventsFixture.StartAsync();
        var publisher = fixture.Publisher(credentials: PutEventsFixture.Credentials with { SessionToken = null });

        var result = await publisher.PublishAsync(PutEventsFixture.Entries(1), CancellationToken.None);

        Assert.Equal([0], result.FailedEntries);
        Assert.Contains(fixture.Endpoint.Rejections, r => r.Contains("session token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_publisher_configured_from_the_Lambda_environment_reaches_the_endpoint_it_names()
    {
        await using var fixture = await PutEventsFixture.StartAsync();
        var environment = fixture.Endpoint.Environment();
        using var http = new HttpClient();

        var publisher = PutEventsPublisher.FromEnvironment(http, environment: environment.GetValueOrDefault);
        var result = await publisher.PublishAsync(PutEventsFixture.Entries(3), CancellationToken.None);

        Assert.True(result.AllPublished);
        Assert.Equal(3, fixture.Endpoint.Events.Count);
        Assert.Empty(fixture.Endpoint.Rejections);
    }
}
