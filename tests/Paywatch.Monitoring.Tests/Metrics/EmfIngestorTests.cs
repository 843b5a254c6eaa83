using Paywatch.Monitoring.Metrics;

namespace Paywatch.Monitoring.Tests.Metrics;

/// <summary>EMF extraction, on documents shaped like the "Specification: Embedded metric format" examples.</summary>
public sealed class EmfIngestorTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000);

    [Fact]
    public void Every_dimension_set_and_every_value_becomes_a_datapoint()
    {
        var line = $$"""
            {"_aws":{"Timestamp":{{T0.ToUnixTimeMilliseconds()}},"CloudWatchMetrics":[{"Namespace":"Paywatch/Transactions",
              "Dimensions":[["Environment"],["Environment","TransactionType"]],
              "Metrics":[{"Name":"ProcessingLatency","Unit":"Milliseconds"},{"Name":"TransactionsProcessed","Unit":"Count"}]}]},
             "Environment":"prod","TransactionType":"PURCHASE","ProcessingLatency":[3,5,40],"TransactionsProcessed":3}
            """.ReplaceLineEndings("");
        var store = new MetricStore(TimeSpan.FromHours(1));

        var (datapoints, error) = EmfIngestor.Ingest(Encoding.UTF8.GetBytes(line), store);

        Assert.Null(error);
        Assert.Equal(8, datapoints); // (3 latencies + 1 count) × 2 dimension sets
        var byEnvironment = new MetricKey("Paywatch/Transactions", "ProcessingLatency", [KeyValuePair.Create("Environment", "prod")]);
        var byType = new MetricKey("Paywatch/Transactions", "ProcessingLatency", [KeyValuePair.Create("Environment", "prod"), KeyValuePair.Create("TransactionType", "PURCHASE")]);
        var minute = T0.AddSeconds(-(T0.ToUnixTimeSeconds() % 60));
        Assert.Equal(48.0, Assert.Single(store.GetStatistics(byEnvironment, minute, minute.AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Sum)).Value);
        Assert.Equal(40.0, Assert.Single(store.GetStatistics(byType, minute, minute.AddMinutes(1), TimeSpan.FromMinutes(1), Statistic.Maximum)).Value);
    }

    [Theory]
    [InlineData("""{"message":"plain log"}""", "no _aws metadata object")]
    [InlineData("""{"_aws":{"CloudWatchMetrics":[]}}""", "_aws.Timestamp must be an integer number of milliseconds")]
    [InlineData("""{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[["Missing"]],"Metrics":[{"Name":"M"}]}]},"M":1}""", "dimension 'Missing' has no string value in the document")]
    [InlineData("not json", "not JSON")]
    public void Documents_that_are_not_valid_EMF_yield_no_metrics(string line, string reason)
    {
        var store = new MetricStore(TimeSpan.FromHours(1));

        var (datapoints, error) = EmfIngestor.Ingest(Encoding.UTF8.GetBytes(line), store);

        Assert.Equal(0, datapoints);
        Assert.StartsWith(reason, error, StringComparison.Ordinal);
        Assert.Empty(store.ListMetrics());
    }
}
