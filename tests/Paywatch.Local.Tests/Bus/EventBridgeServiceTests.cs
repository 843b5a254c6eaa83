using System.Text;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Api;
using Paywatch.Local.Bus;
using Paywatch.Local.Notifications;
using Paywatch.Local.Tests.Queues;
using Paywatch.Patterns;

namespace Paywatch.Local.Tests.Bus;

public sealed class EventBridgeServiceTests
{
    private const string BusName = "paywatch-transactions-local";

    [Fact]
    public async Task The_AWS_CLI_tests_patterns_lists_rules_and_puts_events_into_the_bus()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var topic = new LocalTopic("paywatch-alerts-local", "us-east-1", "000000000000", [], time);
        var bus = new LocalEventBus(BusName, "local", RuleDefinition.LoadDirectory(Path.Combine(RepositoryRoot.Config, "rules")), topic, time);
        await using var server = await AwsApiServer.StartAsync(0, [new EventBridgeService(bus)]);
        const string Event = """{"id":"1","account":"000000000000","source":"paywatch.transactions","time":"2026-11-26T12:00:00Z","region":"us-east-1","detail-type":"Transaction Processed","resources":[],"detail":{"amount":15000}}""";
        var highValue = File.ReadAllText(Path.Combine(RepositoryRoot.Config, "rules", "high-value.json"));
        var pattern = System.Text.Json.JsonDocument.Parse(highValue).RootElement.GetProperty("EventPattern").GetRawText();

        var tested = await AwsCli.JsonAsync(server.Url, "events", "test-event-pattern", "--event-pattern", pattern, "--event", Event);
        var rules = await AwsCli.JsonAsync(server.Url, "events", "list-rules", "--event-bus-name", BusName);
        var put = await AwsCli.JsonAsync(server.Url, "events", "put-events", "--entries", $$"""[{"Source":"paywatch.transactions","DetailType":"Transaction Processed","Detail":"{\"transaction_id\":\"txn-002\",\"amount\":15000}","EventBusName":"{{BusName}}"}]""");

        Assert.True(tested.GetProperty("Result").GetBoolean());
        Assert.Equal(
            ["paywatch-failed", "paywatch-fraud", "paywatch-high-value", "paywatch-velocity"],
            rules.GetProperty("Rules").EnumerateArray().Select(r => r.GetProperty("Name").GetString()));
        Assert.Equal($"arn:aws:events:us-east-1:000000000000:rule/{BusName}/paywatch-failed", rules.GetProperty("Rules")[0].GetProperty("Arn").GetString());
        Assert.Equal(0, put.GetProperty("FailedEntryCount").GetInt32());
        Assert.Single(bus.RecentEvents("paywatch-high-value"));
    }

    [Fact]
    public async Task An_invalid_pattern_is_an_InvalidEventPatternException()
    {
        var time = TimeProvider.System;
        await using var topic = new LocalTopic("t", "us-east-1", "000000000000", [], time);
        var service = new EventBridgeService(new LocalEventBus(BusName, "local", [], topic, time));
        var request = Encoding.UTF8.GetBytes("""{"EventPattern":"{\"detail\":{\"amount\":[{\"numeric\":[\">\"]}]}}","Event":"{}"}""");

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await service.HandleAsync("TestEventPattern", request, CancellationToken.None));

        Assert.Equal("InvalidEventPatternException", error.ErrorType);
    }

    [Fact]
    public async Task Rules_of_an_unknown_bus_are_a_ResourceNotFoundException()
    {
        var time = TimeProvider.System;
        await using var topic = new LocalTopic("t", "us-east-1", "000000000000", [], time);
        var service = new EventBridgeService(new LocalEventBus(BusName, "local", [], topic, time));

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await service.HandleAsync("ListRules", Encoding.UTF8.GetBytes("""{"EventBusName":"nope"}"""), CancellationToken.None));

        Assert.Equal("ResourceNotFoundException", error.ErrorType);
    }
}
