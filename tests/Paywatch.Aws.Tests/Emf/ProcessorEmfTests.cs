using System.Text;
using System.Text.Json;
using Paywatch.Aws.Emf;
using Paywatch.Core.Kinesis;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Traffic;

namespace Paywatch.Aws.Tests.Emf;

/// <summary>The processor's real metrics, through the EMF writer, on generated traffic.</summary>
public sealed class ProcessorEmfTests
{
    [Fact]
    public async Task Every_document_of_a_large_batch_is_valid_and_the_totals_add_up()
    {
        var output = new MemoryStream();
        using var handler = new KinesisBatchHandler(
            new ProcessorOptions { Environment = "test" }, new InMemoryEventPublisher(), PublishAllPolicy.Instance,
            new EmfMetricsWriter(output), new NoLogs(), TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        var records = new TrafficGenerator(seed: 7).Generate(1000)
            .Select((r, i) => KinesisEventRecord.FromData(r.Utf8Json, $"{i + 1:D21}", r.PartitionKey, now))
            .ToList();

        await handler.HandleAsync(new KinesisEvent { Records = records }, CancellationToken.None);

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 10, "1000 latency values cannot fit in one document per type");
        Assert.All(lines, line => Assert.Empty(EmfSpecification.Violations(line)));
        var roots = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(1000, roots.Sum(r => EmfSpecification.Values(r, MetricNames.TransactionsProcessed).Sum()));
        Assert.Equal(1000, roots.Sum(r => EmfSpecification.Values(r, MetricNames.ProcessingLatency).Count()));
        Assert.All(roots, r => Assert.Equal("test", r.GetProperty("Environment").GetString()));
    }
}
