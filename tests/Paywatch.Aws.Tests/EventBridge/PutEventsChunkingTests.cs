using Paywatch.Aws.EventBridge;

namespace Paywatch.Aws.Tests.EventBridge;

/// <summary>Requests within PutEvents' limits: at most 10 entries and 256 KB (EventBridge's entry-size measure).</summary>
public sealed class PutEventsChunkingTests
{
    // Source and DetailType of the fixture's entries are 21 bytes each; Time counts 14.
    private const int Overhead = 14 + 21 + 21;

    [Fact]
    public async Task Entries_go_ten_per_request_in_order()
    {
        await using var fixture = await PutEventsFixture.StartAsync();

        var result = await fixture.Publisher(new PutEventsOptions { MaxConcurrentRequests = 1 })
            .PublishAsync(PutEventsFixture.Entries(25), CancellationToken.None);

        Assert.True(result.AllPublished);
        Assert.Equal([10, 10, 5], fixture.Endpoint.Calls.Select(c => c.Entries.Count));
        Assert.Equal(Enumerable.Range(0, 25), fixture.Endpoint.Events.Select(PutEventsFixture.N));
    }

    [Fact]
    public async Task Large_entries_are_grouped_so_no_request_exceeds_256_KB()
    {
        await using var fixture = await PutEventsFixture.StartAsync();

        // Three entries of 100,000-byte detail exceed 262,144 together; two do not.
        var result = await fixture.Publisher().PublishAsync(PutEventsFixture.Entries(5, detailBytes: 100_000), CancellationToken.None);

        Assert.True(result.AllPublished);
        Assert.Equal([1, 2, 2], fixture.Endpoint.Calls.Select(c => c.Entries.Count).Order());
        Assert.Equal(5, fixture.Endpoint.Events.Count);
    }

    [Fact]
    public async Task Entries_adding_up_to_exactly_256_KB_share_one_request()
    {
        await using var fixture = await PutEventsFixture.StartAsync();
        var half = (256 * 1024 / 2) - Overhead;

        var result = await fixture.Publisher().PublishAsync(PutEventsFixture.Entries(2, detailBytes: half), CancellationToken.None);

        Assert.True(result.AllPublished);
        Assert.Equal(2, Assert.Single(fixture.Endpoint.Calls).Entries.Count);
    }

    [Fact]
    public async Task An_entry_of_exactly_256_KB_is_sent_and_one_byte_more_is_reported_failed_and_never_sent()
    {
        await using var fixture = await PutEventsFixture.StartAsync();
        var exact = PutEventsFixture.Entries(1, detailBytes: (256 * 1024) - Overhead)[0];
        var over = PutEventsFixture.Entries(2, detailBytes: (256 * 1024) - Overhead + 1)[1];
        var small = PutEventsFixture.Entries(3)[2];
        Assert.Equal(256 * 1024, PutEventsEntrySize.Of(exact));

        var outcome = await fixture.Publisher().PublishDetailedAsync(new[] { exact, over, small }, CancellationToken.None);

        var failure = Assert.Single(outcome.Failures);
        Assert.Equal(1, failure.Index);
        Assert.Equal(PutEventsFailure.EntryTooLarge, failure.ErrorCode);
        Assert.Equal([0, 2], fixture.Endpoint.Events.Select(PutEventsFixture.N).Order());
        Assert.Contains("\"error_code\":\"EntryTooLarge\"", fixture.Diagnostics.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_entries_make_no_request()
    {
        await using var fixture = await PutEventsFixture.StartAsync();

        var result = await fixture.Publisher().PublishAsync(ReadOnlyMemory<Paywatch.Core.Routing.EventEntry>.Empty, CancellationToken.None);

        Assert.True(result.AllPublished);
        Assert.Equal(0, fixture.Endpoint.Requests);
    }
}
