using System.Text;
using System.Text.Json;
using Paywatch.Core.Enrichment;

namespace Paywatch.Core.Tests.Enrichment;

public sealed class VelocityCounterTests
{
    private static byte[] State(VelocityCounter counter) => counter.State.ToArray();

    /// <summary>The counts in a state of the compact form, read as the format is documented (12-byte big-endian entries in base64).</summary>
    private static Dictionary<ulong, int> Counts(ReadOnlyMemory<byte> state)
    {
        using var json = JsonDocument.Parse(state);
        if (!json.RootElement.TryGetProperty("v", out var entries))
        {
            return [];
        }

        var bytes = Convert.FromBase64String(entries.GetString()!);
        Assert.Equal(0, bytes.Length % 12);
        return Enumerable.Range(0, bytes.Length / 12).ToDictionary(
            i => System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i * 12)),
            i => System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan((i * 12) + 8)));
    }

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
    public void State_holds_hashes_and_counts_in_one_base64_string_never_the_entity_key()
    {
        var counter = new VelocityCounter();
        counter.Increment("card_secret_token"u8, out var key);
        counter.Increment("card_secret_token"u8, out _);

        var state = Encoding.UTF8.GetString(State(counter));

        Assert.DoesNotContain("card_secret_token", state, StringComparison.Ordinal);
        // 12 bytes: the key's XxHash64 and the count, big-endian.
        var expected = new byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(expected, System.IO.Hashing.XxHash64.HashToUInt64("card_secret_token"u8));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(expected.AsSpan(8), 2);
        Assert.Equal($$"""{"v":"{{Convert.ToBase64String(expected)}}"}""", state);
        Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64("card_secret_token"u8), key);
    }

    [Fact]
    public void State_in_the_earlier_member_per_entity_form_is_read_and_answered_in_the_compact_one()
    {
        var counter = new VelocityCounter();
        counter.Increment("card_1"u8, out var key);
        var earlier = $"{{\"v.{key:x16}\":\"000004\",\"v.00000000000000ff\":\"000002\"}}";

        var next = new VelocityCounter();
        Assert.True(next.Load(Encoding.UTF8.GetBytes(earlier)));

        Assert.Equal(5, next.Increment("card_1"u8, out _));
        Assert.Equal(new Dictionary<ulong, int> { [key] = 5, [0xff] = 2 }, Counts(next.State));
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
        Assert.False(counter.Load("{\"v\":\"AAAA\"}"u8)); // not whole 12-byte entries
        Assert.False(counter.Load("{\"v\":\"!!!!!!!!!!!!!!!!\"}"u8)); // not base64
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

            Assert.Equal(expected.Count(e => e.Value > 0), Counts(counter.State).Count);
        }

        var byKey = Counts(counter.State);
        foreach (var (card, count) in expected.Where(e => e.Value > 0))
        {
            Assert.Equal(count, byKey[hashes[card]]);
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
