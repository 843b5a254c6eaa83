using Paywatch.Cost.Deployment;
using Paywatch.Cost.Prices;

namespace Paywatch.Cost.Tests;

/// <summary>
/// The interface endpoints of private networking (infra/network.tf), priced by hand from AWS PrivateLink's published prices
/// (https://aws.amazon.com/privatelink/pricing/: an hour per endpoint per Availability Zone, and each GB processed, tiered on
/// the Region's total); the expected dollars are computed in the comments, not copied from the code.
/// </summary>
public sealed class PrivateNetworkingCostTests
{
    private static readonly Assumptions Defaults = new();

    private static MeteredRun AnHour(double awsRequestBytes) => new()
    {
        Period = TimeSpan.FromHours(1),
        Records = 0,
        PutPayloadUnits = 0,
        Invocations = 0,
        LambdaGbSeconds = 0,
        EventEntries = 0,
        BilledEvents = 0,
        Publishes = 0,
        CustomMetrics = 0,
        LogBytes = 0,
        LogCompressionRatio = 0.09,
        Traces = 0,
        AwsRequestBytes = awsRequestBytes,
    };

    [Fact]
    public void Two_endpoints_in_two_zones_cost_2920_endpoint_hours_a_month()
    {
        // 2 services x 2 zones x 730 h = 2,920 endpoint-hours: x $0.01 = $29.20 in us-east-1, x $0.011 = $32.12 in eu-west-1.
        Assert.Equal(29.20, PriceTable.BuiltIn("us-east-1")["vpc.interface_endpoint_hours"].CostOf(2 * 2 * 730), 6);
        Assert.Equal(32.12, PriceTable.BuiltIn("eu-west-1")["vpc.interface_endpoint_hours"].CostOf(2 * 2 * 730), 6);
    }

    [Fact]
    public void Data_processed_is_priced_per_GB_by_the_Region_s_tiers()
    {
        var data = PriceTable.BuiltIn("us-east-1")["vpc.interface_endpoint_data"];
        Assert.Equal(1.00, data.CostOf(100), 6); // 100 GB x $0.01
        // 2 PB: the first 1,000,000 GB x $0.01 = $10,000, the next 1,000,000 GB x $0.006 = $6,000.
        Assert.Equal(16_000, data.CostOf(2_000_000), 6);
    }

    [Fact]
    public void Off_by_default_no_zones_no_endpoints_and_no_endpoint_line()
    {
        var deployment = DeploymentSettings.BuiltIn();
        Assert.Equal(0, deployment.VpcAvailabilityZones);

        var usage = MonthlyUsage.From(AnHour(1e9), deployment, Defaults);

        Assert.Equal(0, usage.VpcEndpointHours);
        Assert.DoesNotContain(usage.Quantities(), q => q.PriceId.StartsWith("vpc.", StringComparison.Ordinal));
        Assert.DoesNotContain(CostModel.Price(usage, PriceTable.BuiltIn("us-east-1")).Lines, l => l.Price.Service.StartsWith("VPC", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("create_vpc = true\n", 2)]
    [InlineData("create_vpc = true\nvpc_availability_zone_count = 3\n", 3)]
    [InlineData("vpc_subnet_ids = [\"subnet-0123456789abcdef0\", \"subnet-0123456789abcdef1\", \"subnet-0123456789abcdef2\"]\nvpc_security_group_ids = [\"sg-0123456789abcdef0\"]\n", 3)]
    public void In_a_VPC_each_service_has_an_endpoint_in_each_zone(string tfvars, int zones)
    {
        var deployment = DeploymentSettings.BuiltIn(tfvars);

        Assert.Equal((zones, 2), (deployment.VpcAvailabilityZones, deployment.VpcEndpointServices));
        // An hour that sent 1 GB to AWS: 730 GB a month; the endpoints' hours are the month's.
        var usage = MonthlyUsage.From(AnHour(1e9), deployment, Defaults);
        Assert.Equal(2 * zones * 730, usage.VpcEndpointHours, 6);
        Assert.Equal(730, usage.VpcEndpointGb, 6);
        var report = CostModel.Price(usage, PriceTable.BuiltIn("us-east-1"));
        // 2 x zones x 730 h x $0.01 + 730 GB x $0.01 = $7.30
        Assert.Equal((2 * zones * 730 * 0.01) + 7.30, report.Lines.Where(l => l.Price.Id.StartsWith("vpc.", StringComparison.Ordinal)).Sum(l => l.MonthlyUsd), 6);
    }

    [Fact]
    public void The_endpoint_services_are_network_tf_s_list_read_through_its_for_expressions()
    {
        Assert.Equal(["events", "xray"], DeploymentSettings.EndpointServices(
            "locals {\n  vpc_endpoint_services = [\"events\", \"xray\"]\n  cidrs = {\n    for i, zone in local.zones : zone => cidrsubnet(var.cidr, 4, i)\n  }\n}\n"));
        Assert.Throws<FormatException>(() => DeploymentSettings.EndpointServices("locals {\n  other = 1\n}\n"));
        Assert.Equal(2, DeploymentSettings.BuiltIn().VpcEndpointServices);
    }

    [Fact]
    public void A_footprint_s_requests_to_AWS_are_its_PutEvents_entries_and_its_segment_documents_at_the_datagram_bound()
    {
        var footprint = new Footprint.Footprint
        {
            SampleDuration = TimeSpan.FromMinutes(10), Records = 1_000, RecordBytes = 224_000, PutPayloadUnits = 1_000,
            BusiestShardRecordsPerSecond = 1, BusiestShardBytesPerSecond = 224, LaneFraction = 0.5, SimulatedRecords = 500,
            Invocations = 10, PublishingInvocations = 5, MeasuredMilliseconds = 10, EventEntries = 20, EventEntryBytes = 20_000,
            BilledEvents = 20, PutEventsRequests = 5, MatchesByRule = new Dictionary<string, long>(), BusiestSecondNotifications = 1,
            LogBytes = 0, LogLines = 0, EmfBytes = 0, LogCompressionRatio = 0.09, Metrics = [], Traces = 10, SegmentDocuments = 10,
            InvocationMilliseconds = [1.0],
        };

        var run = MonthlyUsage.Run(footprint, DeploymentSettings.BuiltIn(), Defaults);

        // (20,000 + 10 x 65,535) bytes on half the lanes: x 2 = 1,350,700 bytes.
        Assert.Equal(1_350_700, run.AwsRequestBytes, 6);
    }
}
