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
        var bus = new LocalEventBus(BusName, RepositoryRoot.Targets(topic), RuleDefinition.LoadDirectory(Path.Combine(RepositoryRoot.Config, "rules")), topic, time);
        await using var server = await AwsApiServer.StartAsync(0, [new EventBridgeService(bus)]);
        const string Event = """{"id":"1","account":"000000000000","source":"paywatch.transactions","time":"2026-11-26T12:00:00Z","region":"us-east-1","detail-type":"Transaction Processed","resources":[],"detail":{"amount":15000,"alert":["high-value"]}}""";
        var highValue = File.ReadAllText(Path.Combine(RepositoryRoot.Config, "rules", "high-value.json"));
        var pattern = System.Text.Json.JsonDocument.Parse(highValue).RootElement.GetProperty("EventPattern").GetRawText();

        var tested = await AwsCli.JsonAsync(server.Url, "events", "test-event-pattern", "--event-pattern", pattern, "--event", Event);
        var rules = await AwsCli.JsonAsync(server.Url, "events", "list-rules", "--event-bus-name", BusName);
        var put = await AwsCli.JsonAsync(server.Url, "events", "put-events", "--entries", $$"""[{"Source":"paywatch.transactions","DetailType":"Transaction Processed","Detail":"{\"transaction_id\":\"txn-002\",\"amount\":15000,\"alert\":[\"high-value\"]}","EventBusName":"{{BusName}}"}]""");

        Assert.True(tested.GetProperty("Result").GetBoolean());
        Assert.Equal(
            ["paywatch-failed", "paywatch-fraud", "paywatch-high-value", "paywatch-velocity", "paywatch-window-summary"],
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
        var service = new EventBridgeService(new LocalEventBus(BusName, RepositoryRoot.Targets(topic), [], topic, time));
        var request = Encoding.UTF8.GetBytes("""{"EventPattern":"{\"detail\":{\"amount\":[{\"numeric\":[\">\"]}]}}","Event":"{}"}""");

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await service.HandleAsync("TestEventPattern", request, CancellationToken.None));

        Assert.Equal("InvalidEventPatternException", error.ErrorType);
    }

    [Fact]
    public async Task Rules_of_an_unknown_bus_are_a_ResourceNotFoundException()
    {
        var time = TimeProvider.System;
        await using var topic = new LocalTopic("t", "us-east-1", "000000000000", [], time);
        var service = new EventBridgeService(new LocalEventBus(BusName, RepositoryRoot.Targets(topic), [], topic, time));

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await service.HandleAsync("ListRules", Encoding.UTF8.GetBytes("""{"EventBusName":"nope"}"""), CancellationToken.None));

        Assert.Equal("ResourceNotFoundException", error.ErrorType);
    }

    /// <summary>https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRules.html: Limit, and NextToken to pass back.</summary>
    [Fact]
    public async Task ListRules_returns_Limit_rules_and_a_NextToken_that_continues_after_them()
    {
        var time = TimeProvider.System;
        await using var topic = new LocalTopic("t", "us-east-1", "000000000000", [], time);
        var service = new EventBridgeService(new LocalEventBus(BusName, RepositoryRoot.Targets(topic), RuleDefinition.LoadDirectory(Path.Combine(RepositoryRoot.Config, "rules")), topic, time));

        var first = await ListRulesAsync(service, $$"""{"EventBusName":"{{BusName}}","Limit":3}""");
        var token = first.GetProperty("NextToken").GetString()!;
        var second = await ListRulesAsync(service, $$"""{"EventBusName":"{{BusName}}","Limit":3,"NextToken":"{{token}}"}""");

        Assert.Equal(["paywatch-failed", "paywatch-fraud", "paywatch-high-value"], Names(first));
        Assert.Equal(["paywatch-velocity", "paywatch-window-summary"], Names(second));
        Assert.False(second.TryGetProperty("NextToken", out _));
    }

    [Theory]
    [InlineData("""{"EventBusName":"paywatch-transactions-local","Limit":0}""")]
    [InlineData("""{"EventBusName":"paywatch-transactions-local","Limit":101}""")]
    [InlineData("""{"EventBusName":"paywatch-transactions-local","NextToken":"not-a-token"}""")]
    public async Task ListRules_refuses_a_Limit_outside_1_to_100_and_a_token_it_did_not_issue(string request)
    {
        var time = TimeProvider.System;
        await using var topic = new LocalTopic("t", "us-east-1", "000000000000", [], time);
        var service = new EventBridgeService(new LocalEventBus(BusName, RepositoryRoot.Targets(topic), [], topic, time));

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await service.HandleAsync("ListRules", Encoding.UTF8.GetBytes(request), CancellationToken.None));

        Assert.Equal("ValidationException", error.ErrorType);
    }

    /// <summary>The CLI's --page-size sends Limit and follows each NextToken until there is none.</summary>
    [Fact]
    public async Task The_AWS_CLI_pages_through_the_rules_one_at_a_time()
    {
        var time = TimeProvider.System;
        await using var topic = new LocalTopic("t", "us-east-1", "000000000000", [], time);
        await using var server = await AwsApiServer.StartAsync(0, [new EventBridgeService(new LocalEventBus(BusName, RepositoryRoot.Targets(topic), RuleDefinition.LoadDirectory(Path.Combine(RepositoryRoot.Config, "rules")), topic, time))]);

        var paged = await AwsCli.JsonAsync(server.Url, "events", "list-rules", "--event-bus-name", BusName, "--page-size", "1");
        var firstTwo = await AwsCli.JsonAsync(server.Url, "events", "list-rules", "--event-bus-name", BusName, "--page-size", "2", "--max-items", "2");
        var rest = await AwsCli.JsonAsync(server.Url, "events", "list-rules", "--event-bus-name", BusName, "--page-size", "2", "--starting-token", firstTwo.GetProperty("NextToken").GetString()!);

        Assert.Equal(["paywatch-failed", "paywatch-fraud", "paywatch-high-value", "paywatch-velocity", "paywatch-window-summary"], Names(paged));
        Assert.Equal(["paywatch-failed", "paywatch-fraud"], Names(firstTwo));
        Assert.Equal(["paywatch-high-value", "paywatch-velocity", "paywatch-window-summary"], Names(rest));
    }

    private static async Task<System.Text.Json.JsonElement> ListRulesAsync(EventBridgeService service, string request) =>
        System.Text.Json.JsonDocument.Parse(await service.HandleAsync("ListRules", Encoding.UTF8.GetBytes(request), CancellationToken.None)).RootElement.Clone();

    private static List<string> Names(System.Text.Json.JsonElement output) =>
        [.. output.GetProperty("Rules").EnumerateArray().Select(r => r.GetProperty("Name").GetString()!)];

    /// <summary>https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListEventBuses.html: the default bus and the twin's.</summary>
    [Fact]
    public async Task The_AWS_CLI_lists_the_event_buses_a_page_at_a_time()
    {
        var time = TimeProvider.System;
        await using var topic = new LocalTopic("t", "us-east-1", "000000000000", [], time);
        await using var server = await AwsApiServer.StartAsync(0, [new EventBridgeService(new LocalEventBus(BusName, RepositoryRoot.Targets(topic), [], topic, time))]);

        var all = await AwsCli.JsonAsync(server.Url, "events", "list-event-buses");
        var first = await AwsCli.JsonAsync(server.Url, "events", "list-event-buses", "--limit", "1");
        var second = await AwsCli.JsonAsync(server.Url, "events", "list-event-buses", "--limit", "1", "--next-token", first.GetProperty("NextToken").GetString()!);
        var prefixed = await AwsCli.JsonAsync(server.Url, "events", "list-event-buses", "--name-prefix", "paywatch");

        Assert.Equal(["default", BusName], all.GetProperty("EventBuses").EnumerateArray().Select(b => b.GetProperty("Name").GetString()));
        Assert.Equal("arn:aws:events:us-east-1:000000000000:event-bus/default", first.GetProperty("EventBuses")[0].GetProperty("Arn").GetString());
        Assert.Single(first.GetProperty("EventBuses").EnumerateArray());
        Assert.Equal([BusName], second.GetProperty("EventBuses").EnumerateArray().Select(b => b.GetProperty("Name").GetString()));
        Assert.False(second.TryGetProperty("NextToken", out _));
        Assert.Equal([BusName], prefixed.GetProperty("EventBuses").EnumerateArray().Select(b => b.GetProperty("Name").GetString()));
    }
}
