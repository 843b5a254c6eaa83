using System.Text;
using System.Text.Json;
using Paywatch.Core.Enrichment;

namespace Paywatch.Core.Tests.Enrichment;

public sealed class VelocityCounterTests
{
    private static byte[] State(VelocityCounter counter) => counter.State.ToArray();

    [Fact]
    public void Counts_per_entity_and_carries_counts_through_the_state()
    {
        var first = new VelocityCounter();
        first.Increment("card_1"u8, out _);
        first.Increment("card_1"u8, out _);
        first.Increment("card_2"u8, out _);

        var next = new VelocityCounter();
        Assert.True(next.Load(State(first)));

        Assert.Equal(3, next.Increment("card_1"u8, out _));
        Assert.Equal(2, next.Increment("card_2"u8, out _));
        Assert.Equal(1, next.Increment("card_3"u8, out _));
    }

    [Fact]
    public void State_holds_hashes_and_string_counts_never_the_entity_key()
    {
        var counter = new VelocityCounter();
        counter.Increment("card_secret_token"u8, out _);

        var state = Encoding.UTF8.GetString(State(counter));

        Assert.DoesNotContain("card_secret_token", state, StringComparison.Ordinal);
        Assert.Matches("""^\{"v\.[0-9a-f]{16}":"000001"\}$""", state);
    }

    [Fact]
    public void Numeric_state_values_are_accepted_as_in_the_documented_example()
    {
        var counter = new VelocityCounter();
        counter.Increment("card_1"u8, out var key);
        var state = $"{{\"v.{key:x16}\":7,\"1\":282,\"2\":715}}";

        var next = new VelocityCounter();
        Assert.True(next.Load(Encoding.UTF8.GetBytes(state)));

        Assert.Equal(8, next.Increment("card_1"u8, out _));
        Assert.Equal(1, next.Count); // "1" and "2" are not ours and are dropped
    }

    [Fact]
    public void Unreadable_state_restarts_the_window_instead_of_failing()
    {
        var counter = new VelocityCounter();

        Assert.False(counter.Load("{\"v.00000000000000ff\":"u8));
        Assert.Equal(0, counter.Count);
    }

    [Fact]
    public void State_stays_valid_json_through_increments_and_decrements_in_any_order()
    {
        var counter = new VelocityCounter();
        var random = new Random(5);
        var expected = new Dictionary<string, int>();
        var hashes = new Dictionary<string, ulong>();
        for (var step = 0; step < 2000; step++)
        {
            var card = $"card_{random.Next(40)}";
            if (random.Next(3) == 0 && expected.GetValueOrDefault(card) > 0)
            {
                counter.Decrement(hashes[card]);
                expected[card]--;
            }
            else
            {
                counter.Increment(Encoding.UTF8.GetBytes(card), out var hash);
                hashes[card] = hash;
                expected[card] = expected.GetValueOrDefault(card) + 1;
            }

            using var json = JsonDocument.Parse(counter.State);
            Assert.Equal(expected.Count(e => e.Value > 0), json.RootElement.EnumerateObject().Count());
        }

        using var final = JsonDocument.Parse(counter.State);
        var byKey = final.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => int.Parse(p.Value.GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (card, count) in expected.Where(e => e.Value > 0))
        {
            Assert.Equal(count, byKey[$"v.{hashes[card]:x16}"]);
        }
    }

    [Fact]
    public void Decrement_takes_back_an_increment()
    {
        var counter = new VelocityCounter();
        counter.Increment("a"u8, out var key);
        counter.Increment("a"u8, out _);
        counter.Decrement(key);
        counter.Decrement(key);

        Assert.Equal(0, counter.Count);
        Assert.Equal("{}", Encoding.UTF8.GetString(State(counter)));
    }

    [Fact]
    public void Over_the_state_cap_the_lowest_counts_are_dropped_and_reported()
    {
        var counter = new VelocityCounter();
        for (var i = 0; i < VelocityCounter.MaxEntries + 10; i++)
        {
            counter.Increment(Encoding.ASCII.GetBytes($"card_{i}"), out _);
        }

        for (var i = 0; i < 25; i++)
        {
            counter.Increment("hot_card"u8, out _);
        }

        var dropped = counter.TrimToLimit();

        Assert.Equal(11, dropped);
        Assert.True(counter.State.Length < 1_000_000, "state must stay below Lambda's 1 MB per shard");
        using (JsonDocument.Parse(counter.State)) { } // still valid JSON
        var next = new VelocityCounter();
        next.Load(counter.State.ToArray());
        Assert.Equal(VelocityCounter.MaxEntries, next.Count);
        Assert.Equal(26, next.Increment("hot_card"u8, out _));
    }
}
