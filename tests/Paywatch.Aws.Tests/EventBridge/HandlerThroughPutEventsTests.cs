using System.Text.Json;
using Paywatch.Aws.TestSupport;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Traffic;

namespace Paywatch.Aws.Tests.EventBridge;

/// <summary>The processor with the real publisher against the test endpoint: failed entries become batchItemFailures.</summary>
public sealed class HandlerThroughPutEventsTests
{
    [Fact]
    public async Task Entries_failing_persistently_are_reported_as_exactly_their_records_sequence_numbers()
    {
        await using var fixture = await PutEventsFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var records = new TrafficGenerator(seed: 11).Generate(30)
            .Select((r, i) => KinesisEventRecord.FromData(r.Utf8Json, $"4959033827149025660855969253836157109592157598913658{i:D4}", r.PartitionKey, now))
            .ToList();
        string[] failing = [records[4].SequenceNumberText, records[17].SequenceNumberText, records[23].SequenceNumberText];
        fixture.Endpoint.Behavior = call => PutEventsTestReply.Entries([.. call.Entries.Select(e =>
        {
            var sequence = JsonDocument.Parse(e.Detail).RootElement.GetProperty("sequence_number").GetString();
            return sequence == failing[0] ? "ThrottlingException" : failing.Contains(sequence) ? "InternalFailure" : null;
        })]);
        using var handler = new KinesisBatchHandler(
            new ProcessorOptions { Environment = "test" }, fixture.Publisher(), PublishAllPolicy.Instance, new NoMetrics(), new NoLogs(),
            TimeProvider.System);

        var response = await handler.HandleAsync(new KinesisEvent { Records = records, ShardId = "shardId-000000000000" }, CancellationToken.None);

        Assert.Equal(failing, response.BatchItemFailures);
        Assert.Equal(27, fixture.Endpoint.Events.Count);
        Assert.Empty(fixture.Endpoint.Rejections);
    }
}
