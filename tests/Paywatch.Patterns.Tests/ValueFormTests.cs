using System.Globalization;
using CsCheck;

namespace Paywatch.Patterns.Tests;

/// <summary>Numbers, IP addresses and wildcards, the value forms EventBridge compares specially.</summary>
public sealed class ValueFormTests
{
    [Theory]
    [InlineData("10000", 10000d)]
    [InlineData("10000.0", 10000d)]
    [InlineData("1e4", 10000d)]
    [InlineData("-0.5", -0.5)]
    [InlineData("3.018e2", 301.8)]
    [InlineData("0.1", 0.1)]
    [InlineData("5E9", 5e9)]
    [InlineData("1E-320", 1e-320)]
    public void Numbers_that_a_double_holds_exactly_are_comparable(string text, double expected)
    {
        Assert.True(ComparableNumber.TryParse(Encoding.UTF8.GetBytes(text), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("12345678901234567890")]
    [InlineData("0.30000000000000001")]
    [InlineData("1E309")]
    [InlineData("1E-325")]
    [InlineData("2.0e422")]
    public void Numbers_a_double_would_round_are_not_comparable(string text)
    {
        Assert.False(ComparableNumber.TryParse(Encoding.UTF8.GetBytes(text), out _));
        Assert.True(ComparableNumber.TryParse(text, out _, out var error) is false && error == $"Cannot compare number : {text}");
    }

    [Fact]
    public void The_fast_path_gives_the_same_double_as_the_general_parser()
    {
        Gen.Select(Gen.Long[-999_999_999_999_999, 999_999_999_999_999], Gen.Int[0, 15]).Sample((mantissa, decimals) =>
        {
            var text = decimals == 0
                ? mantissa.ToString(CultureInfo.InvariantCulture)
                : (mantissa / Math.Pow(10, decimals)).ToString("R", CultureInfo.InvariantCulture);
            if (text.Contains('E', StringComparison.Ordinal))
            {
                return;
            }

            Assert.True(ComparableNumber.TryParse(Encoding.UTF8.GetBytes(text), out var value), text);
            Assert.Equal(double.Parse(text, CultureInfo.InvariantCulture), value);
        }, iter: 20_000);
    }

    [Theory]
    [InlineData("10.0.0.1", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("256.0.0.1", false)]
    [InlineData("10.0.1", false)]
    [InlineData("10.0.0.1.", false)]
    [InlineData("2001:db8::1", true)]
    [InlineData("::", true)]
    [InlineData("fe80::1%eth0", false)]
    [InlineData("2001:db8::g", false)]
    public void Ip_addresses_are_dotted_quads_or_IPv6_text(string text, bool isAddress)
    {
        Assert.Equal(isAddress, IpRange.TryParseAddress(Encoding.UTF8.GetBytes(text), out _, out _));
    }

    [Fact]
    public void A_cidr_range_runs_from_the_written_address_to_the_top_of_its_network()
    {
        Assert.True(IpRange.TryParseCidr("10.0.0.5/24", out var range, out _));

        Assert.True(IpRange.TryParseAddress("10.0.0.4"u8, out var v6, out var below));
        Assert.True(IpRange.TryParseAddress("10.0.0.255"u8, out _, out var top));
        Assert.False(range.Contains(v6, below));
        Assert.True(range.Contains(v6, top));
    }

    [Theory]
    [InlineData("*", "", true)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("*ab", "abab", true)]
    [InlineData("a*a", "a", false)]
    [InlineData("\\\\*", "\\x", true)]
    [InlineData("é*ü", "éàü", true)]
    public void Wildcards_match_any_run_of_characters(string wildcard, string value, bool expected)
    {
        Assert.True(Wildcard.TryParse(wildcard, out var parsed, out var error), error);
        Assert.Equal(expected, parsed!.Matches(Encoding.UTF8.GetBytes(value)));
    }
}
