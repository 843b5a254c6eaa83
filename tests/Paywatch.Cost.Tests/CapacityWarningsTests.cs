using Paywatch.Cost.Capacity;
using Paywatch.Cost.Deployment;
using Paywatch.Cost.Prices;

namespace Paywatch.Cost.Tests;

/// <summary>
/// The lanes-busy warning on fixed footprints: the modelled duration is each invocation's measured milliseconds scaled
/// to the function's share of a vCPU (512 MB: 1,769 / 512 = 3.455, https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html)
/// plus 2 ms of overhead, rounded up to the billed millisecond.
/// </summary>
public sealed class CapacityWarningsTests
{
    private static Footprint.Footprint OneMinute(int invocations, double milliseconds) => new()
    {
        SampleDuration = TimeSpan.FromMinutes(1), Records = invocations, RecordBytes = 224L * invocations, PutPayloadUnits = invocations,
        BusiestShardRecordsPerSecond = 1, BusiestShardBytesPerSecond = 224, LaneFraction = 1, SimulatedRecords = invocations,
        Invocations = invocations, PublishingInvocations = 0, MeasuredMilliseconds = invocations * milliseconds, EventEntries = 0,
        EventEntryBytes = 0, BilledEvents = 0, PutEventsRequests = 0, MatchesByRule = new Dictionary<string, long>(),
        BusiestSecondNotifications = 0, LogBytes = 0, LogLines = 0, EmfBytes = 0, LogCompressionRatio = 0.09, Metrics = [],
        Traces = 0, SegmentDocuments = 0, InvocationMilliseconds = [.. Enumerable.Repeat(milliseconds, invocations)],
    };

    private static bool LanesBusy(Footprint.Footprint footprint) =>
        CapacityWarnings.Check(footprint, DeploymentSettings.BuiltIn(), PriceTable.BuiltIn("us-east-1"), new Assumptions())
            .Any(w => w.Id == "lambda.lanes_busy");

    [Fact]
    public void A_function_busier_than_its_ten_lanes_is_warned_about()
    {
        // 600 invocations of 300 ms: ceil(300 x 3.455 + 2) = 1,039 ms each, 623,400 ms in 60 s: 10.4 running at all
        // times, over 5 shards x 2.
        Assert.True(LanesBusy(OneMinute(600, 300)));
    }

    [Fact]
    public void A_function_that_keeps_up_is_not()
    {
        // 600 invocations of 100 ms: ceil(345.5 + 2) = 348 ms each, 208,800 ms in 60 s: 3.5 running.
        Assert.False(LanesBusy(OneMinute(600, 100)));
    }
}
