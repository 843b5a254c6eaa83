namespace Paywatch.Web.Tests;

/// <summary>The card-number scan the API tests rely on finds what it must and nothing else.</summary>
public sealed class TrafficTests
{
    [Fact]
    public void The_scan_finds_every_card_number_sent_plain_spaced_or_hyphenated()
    {
        var sent = string.Join("\n", Traffic.Mixed().Select(r => r.Key + " " + r.Json));

        Assert.Equal(
            ["378282246310005", "4111111111111111", "5500005555555559", "6011111111111117"],
            Traffic.CardNumbersIn(sent).Distinct().Order(StringComparer.Ordinal));
    }

    [Theory]
    // Masked as the processor masks (docs/transactions.md): first six and last four.
    [InlineData("""{"card_id":"411111******1111"}""")]
    // Each of these digit runs passes the Luhn check: a millisecond timestamp (12:05 on the test day), a fraction, a hex id.
    [InlineData("""{"timestampsMs":[1795694700000]}""")]
    [InlineData("""{"durationMs":0.4111111111111111}""")]
    [InlineData("""{"traceId":"1-6766a0b4-4111111111111111abcdef01"}""")]
    // A Kinesis sequence number: 56 digits, more than a card number has.
    [InlineData("""{"startSequenceNumber":"49656956891126789221512452785046627522519541112151851010"}""")]
    public void The_scan_passes_masked_numbers_timestamps_fractions_ids_and_sequence_numbers(string text) =>
        Assert.Empty(Traffic.CardNumbersIn(text));
}
