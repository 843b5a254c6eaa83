using System.Globalization;
using System.Text;
using Paywatch.Core.Transactions;

namespace Paywatch.Core.Tests.Transactions;

/// <summary>RFC 3339 section 5.8's examples, and what the contract refuses.</summary>
public sealed class TimestampParserTests
{
    [Theory]
    [InlineData("1985-04-12T23:20:50.52Z", "1985-04-12T23:20:50.5200000+00:00")]
    [InlineData("1996-12-19T16:39:57-08:00", "1996-12-20T00:39:57.0000000+00:00")]
    [InlineData("1937-01-01T12:00:27.87+00:20", "1937-01-01T11:40:27.8700000+00:00")]
    [InlineData("2026-11-26t06:22:04z", "2026-11-26T06:22:04.0000000+00:00")]
    [InlineData("2024-02-29T00:00:00Z", "2024-02-29T00:00:00.0000000+00:00")]
    [InlineData("2026-11-26T06:22:04.123456789Z", "2026-11-26T06:22:04.1234567+00:00")]
    public void Rfc_3339_examples_are_parsed_to_the_instant(string text, string expectedRoundTrip)
    {
        Assert.True(TimestampParser.TryParse(Encoding.UTF8.GetBytes(text), out var timestamp));
        Assert.Equal(expectedRoundTrip, timestamp.ToString("O", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("1990-12-31T23:59:60Z")] // a leap second: valid RFC 3339, not representable
    [InlineData("2026-11-26T06:22:04")] // no offset: not an instant
    [InlineData("2026-11-26 06:22:04Z")]
    [InlineData("2026-11-26")]
    [InlineData("2023-02-29T00:00:00Z")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-11-26T24:00:00Z")]
    [InlineData("2026-11-26T06:22:04.Z")]
    [InlineData("2026-11-26T06:22:04+0200")]
    [InlineData("2026-11-26T06:22:04+24:00")]
    [InlineData("0001-01-01T00:00:00+01:00")] // before the first representable instant
    [InlineData("yesterday at noon, UTC")]
    [InlineData("２０２６-11-26T06:22:04Z")]
    public void Anything_else_is_refused(string text) =>
        Assert.False(TimestampParser.TryParse(Encoding.UTF8.GetBytes(text), out _));
}
