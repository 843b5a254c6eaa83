using System.Globalization;
using System.Numerics;
using Paywatch.Local.Streams;

namespace Paywatch.Local.Tests.Streams;

public sealed class HashKeyRangeTests
{
    private static readonly BigInteger Space = BigInteger.One << 128;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(7)]
    public void Shards_split_the_128_bit_space_evenly_and_without_gaps(int shards)
    {
        var ranges = HashKeyRange.Split(shards);

        Assert.Equal(shards, ranges.Count);
        for (var i = 0; i < shards; i++)
        {
            Assert.Equal(Space * i / shards, ToBig(ranges[i].StartingHashKey));
            Assert.Equal((Space * (i + 1) / shards) - 1, ToBig(ranges[i].EndingHashKey));
        }
    }

    /// <summary>Two shards split at 2^127, as CreateStream's even split gives them.</summary>
    [Fact]
    public void Two_shards_meet_at_two_to_the_127()
    {
        var ranges = HashKeyRange.Split(2);

        Assert.Equal("170141183460469231731687303715884105727", ranges[0].EndingHashKey.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("170141183460469231731687303715884105728", ranges[1].StartingHashKey.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("340282366920938463463374607431768211455", ranges[1].EndingHashKey.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>RFC 1321's test suite: MD5("abc") = 900150983cd24fb0d6963f7d28e17f72, read big-endian.</summary>
    [Fact]
    public void A_partition_key_hashes_to_its_MD5_read_as_a_big_endian_integer()
    {
        Assert.Equal(UInt128.Parse("900150983cd24fb0d6963f7d28e17f72", NumberStyles.HexNumber, CultureInfo.InvariantCulture), HashKeyRange.HashPartitionKey("abc"));
        Assert.Equal(UInt128.Parse("d41d8cd98f00b204e9800998ecf8427e", NumberStyles.HexNumber, CultureInfo.InvariantCulture), HashKeyRange.HashPartitionKey(""));
    }

    private static BigInteger ToBig(UInt128 value) => BigInteger.Parse(value.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
