namespace Paywatch.Cost.Tests;

/// <summary>AWS's rounding rules, with examples worked by hand from the pricing pages.</summary>
public sealed class BillingUnitsTests
{
    [Theory]
    [InlineData(1, 1)] // a record smaller than 25 KB is one unit ("a 5KB record contains one PUT Payload Unit")
    [InlineData(25 * 1024, 1)]
    [InlineData((25 * 1024) + 1, 2)]
    [InlineData(26 * 1024, 2)] // a 26 KB record is two units
    [InlineData(45 * 1024, 2)] // "a 45KB record contains two PUT Payload Units"
    [InlineData(50 * 1024, 2)]
    [InlineData((50 * 1024) + 1, 3)]
    public void A_record_is_billed_in_25_KB_put_payload_units_rounded_up(long bytes, long units) =>
        Assert.Equal(units, BillingUnits.PutPayloadUnits(bytes));

    [Theory]
    [InlineData(300, 1)]
    [InlineData(65_536, 1)]
    [InlineData(65_537, 2)]
    [InlineData(200_000, 4)] // 200,000 / 65,536 = 3.05
    public void An_event_or_publish_is_billed_in_64_KB_chunks(long bytes, long chunks)
    {
        Assert.Equal(chunks, BillingUnits.EventBridgeEvents(bytes));
        Assert.Equal(chunks, BillingUnits.Requests64Kb(bytes));
    }

    [Theory]
    [InlineData(128, 1.0, 0.000125)] // 0.125 GB x 0.001 s
    [InlineData(128, 0.2, 0.000125)] // rounded up to 1 ms
    [InlineData(512, 100.2, 0.0505)] // 0.5 GB x 0.101 s
    [InlineData(1024, 1000.0, 1.0)]
    [InlineData(1769, 10.0, 0.0172753906)] // 1.7275390625 GB x 0.010 s
    public void Gb_seconds_are_memory_as_configured_times_duration_rounded_up_to_the_millisecond(int memoryMb, double milliseconds, double gbSeconds) =>
        Assert.Equal(gbSeconds, BillingUnits.GbSeconds(memoryMb, TimeSpan.FromMilliseconds(milliseconds)), 9);
}
