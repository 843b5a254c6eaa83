using Paywatch.Cost.Prices;

namespace Paywatch.Cost.Tests;

/// <summary>
/// Each line priced by hand from AWS's published us-east-1 prices (config/prices/us-east-1.json; the pages are in the file):
/// the expected dollars below are computed in the comments, not copied from the code.
/// </summary>
public sealed class CostModelTests
{
    private static readonly PriceTable UsEast1 = PriceTable.BuiltIn("us-east-1");

    private static double Cost(string priceId, double quantity) => UsEast1[priceId].CostOf(quantity);

    [Fact]
    public void Five_shards_for_a_month_are_3650_shard_hours() =>
        // 5 shards x 730 h = 3,650 shard-hours x $0.015 = $54.75
        Assert.Equal(54.75, Cost("kinesis.shard_hours", 5 * 730), 6);

    [Fact]
    public void A_month_at_1000_records_a_second_of_small_records_is_2628_million_put_units() =>
        // 1,000/s x 2,628,000 s = 2,628,000,000 units = 2,628 million x $0.014 = $36.792
        Assert.Equal(36.792, Cost("kinesis.put_payload_units", 1_000 * 2_628_000.0), 6);

    [Fact]
    public void Lambda_requests_are_priced_per_million() =>
        // 30,000,000 / 1,000,000 x $0.20 = $6.00
        Assert.Equal(6.00, Cost("lambda.requests", 30_000_000), 6);

    [Fact]
    public void One_millisecond_at_128_MB_costs_what_the_pricing_page_lists_per_ms() =>
        // 0.000125 GB-s x $0.0000166667 = $0.0000000020833, listed as $0.0000000021 per ms for 128 MB (x86)
        Assert.Equal(0.0000000021, Cost("lambda.duration_x86_64", BillingUnits.GbSeconds(128, TimeSpan.FromMilliseconds(1))), 10);

    [Fact]
    public void A_million_GB_seconds_cost_less_on_arm64_than_on_x86()
    {
        // 1,000,000 invocations x 1 s x 1 GB = 1,000,000 GB-s: x86 x $0.0000166667 = $16.6667; arm64 x $0.0000133334 = $13.3334
        var gbSeconds = 1_000_000 * BillingUnits.GbSeconds(1024, TimeSpan.FromSeconds(1));

        Assert.Equal(16.6667, Cost("lambda.duration_x86_64", gbSeconds), 6);
        Assert.Equal(13.3334, Cost("lambda.duration_arm64", gbSeconds), 6);
    }

    [Fact]
    public void Lambda_duration_past_6_billion_GB_seconds_is_priced_at_the_next_tier() =>
        // 6e9 x $0.0000166667 = $100,000.20, + 1e9 x $0.000015 = $15,000: $115,000.20
        Assert.Equal(115_000.20, Cost("lambda.duration_x86_64", 7_000_000_000), 4);

    [Fact]
    public void Custom_metrics_are_priced_by_tier()
    {
        // 12,000: 10,000 x $0.30 + 2,000 x $0.10 = $3,200
        Assert.Equal(3_200, Cost("cloudwatch.custom_metrics", 12_000), 6);
        // 300,000: $3,000 + 240,000 x $0.10 + 50,000 x $0.05 = $3,000 + $24,000 + $2,500 = $29,500
        Assert.Equal(29_500, Cost("cloudwatch.custom_metrics", 300_000), 6);
    }

    [Fact]
    public void Sns_deliveries_are_priced_per_100_thousand_emails_and_per_million_http() =>
        Assert.Equal(
            (70.00, 0.60, 1.75), // 3,500,000 / 100,000 x $2 = $70; 1,000,000 HTTP x $0.60/M; 3,500,000 publishes x $0.50/M
            (Cost("sns.email_deliveries", 3_500_000), Cost("sns.http_deliveries", 1_000_000), Cost("sns.publishes", 3_500_000)));

    [Fact]
    public void Events_traces_kms_and_logs_are_priced_per_their_unit()
    {
        Assert.Equal(3.50, Cost("eventbridge.custom_events", 3_500_000), 6); // 3.5 M x $1.00/M
        Assert.Equal(150.00, Cost("xray.traces_recorded", 30_000_000), 6); // 30 M x $5.00/M
        Assert.Equal(10.80, Cost("kms.requests", 3_600_000), 6); // 360 x $0.03 per 10,000
        Assert.Equal(500.00, Cost("logs.ingestion", 1_000), 6); // 1,000 GB x $0.50
        Assert.Equal(570.00, PriceTable.BuiltIn("eu-west-1")["logs.ingestion"].CostOf(1_000), 6); // x $0.57 in Ireland
    }

    [Fact]
    public void A_report_adds_its_lines_orders_them_and_shows_free_tiers_without_netting_them()
    {
        var report = CostModel.Price(new Usage { ShardHours = 3_650, PutPayloadUnits = 2_628_000_000, LambdaRequests = 500_000 }, UsEast1);

        // $54.75 + $36.792 + 0.5 M x $0.20 = $0.10: $91.642
        Assert.Equal(91.642, report.TotalUsd, 6);
        Assert.Equal("kinesis.shard_hours", report.Lines[0].Price.Id);
        Assert.Equal(54.75 / 91.642, report.ShareOf(report.Lines[0]), 6);
        // The Lambda free tier's 1 M requests would cover the 0.5 M: $0.10, shown apart.
        Assert.Equal(0.10, report.FreeTierUsd, 6);
        Assert.Equal(["kinesis.shard_hours", "kinesis.put_payload_units"], report.Dominant(0.9).Select(l => l.Price.Id));
    }
}
