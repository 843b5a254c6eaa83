using System.Buffers;
using System.Text;
using System.Text.Json;
using Paywatch.Aws.Emf;
using Paywatch.Core.Telemetry;

namespace Paywatch.Aws.Tests.Emf;

public sealed class EmfDocumentWriterTests
{
    private static readonly DateTimeOffset Timestamp = new(2026, 11, 26, 6, 22, 4, 481, TimeSpan.Zero);

    private static readonly IReadOnlyList<IReadOnlyList<string>> EnvironmentAndType = [["Environment"], ["Environment", "TransactionType"]];

    private static readonly KeyValuePair<string, string>[] Dimensions =
        [new("Environment", "prod"), new("TransactionType", "PURCHASE")];

    private static List<string> Write(params MetricSet[] sets)
    {
        var buffer = new ArrayBufferWriter<byte>();
        EmfDocumentWriter.Write(buffer, "Paywatch/Transactions", Timestamp, sets);
        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.All(lines, line => Assert.Empty(EmfSpecification.Violations(line)));
        return lines;
    }

    private static MetricSet Set(params MetricValues[] metrics) => new(Dimensions, EnvironmentAndType, metrics);

    private static MetricValues Values(string name, int count, double start = 0) =>
        new(name, MetricUnit.Milliseconds, [.. Enumerable.Range(0, count).Select(i => start + i)]);

    [Fact]
    public void A_small_set_is_one_document_shaped_as_the_specification_example()
    {
        var line = Assert.Single(Write(Set(new MetricValues("TransactionsProcessed", MetricUnit.Count, [42]))));

        Assert.Equal(
            """{"_aws":{"Timestamp":1795674124481,"CloudWatchMetrics":[{"Namespace":"Paywatch/Transactions","Dimensions":[["Environment"],["Environment","TransactionType"]],"Metrics":[{"Name":"TransactionsProcessed","Unit":"Count"}]}]},"Environment":"prod","TransactionType":"PURCHASE","TransactionsProcessed":42}""",
            line);
    }

    [Fact]
    public void More_than_100_values_are_split_across_documents_each_value_once()
    {
        var lines = Write(Set(Values("ProcessingLatency", 250), new MetricValues("TransactionsProcessed", MetricUnit.Count, [250])));

        Assert.Equal(3, lines.Count);
        var roots = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Enumerable.Range(0, 250).Select(i => (double)i), roots.SelectMany(r => EmfSpecification.Values(r, "ProcessingLatency")));
        // A counter goes in once: repeating it in every split document would multiply it.
        Assert.Equal([250.0], roots.SelectMany(r => EmfSpecification.Values(r, "TransactionsProcessed")));
    }

    [Fact]
    public void More_than_100_metrics_are_split_across_directives_in_separate_documents()
    {
        var metrics = Enumerable.Range(0, 150).Select(i => new MetricValues($"Metric{i}", MetricUnit.Count, [i])).ToArray();

        var lines = Write(Set(metrics));

        Assert.Equal(2, lines.Count);
        var definitions = lines.Select(l => JsonDocument.Parse(l).RootElement
            .GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics").GetArrayLength()).ToList();
        Assert.Equal([100, 50], definitions);
    }

    [Fact]
    public void Documents_over_256_KB_are_split_further_by_size()
    {
        // 100 metrics with 255-character names and 100 long values each would be about 290 KB in one document.
        var metrics = Enumerable.Range(0, 100)
            .Select(i => new MetricValues($"{i:D3}".PadRight(255, 'm'), MetricUnit.None,
                [.. Enumerable.Range(0, 100).Select(v => 1.2345678901234567e-300 * (v + 1))]))
            .ToArray();

        var lines = Write(Set(metrics));

        Assert.True(lines.Count > 1);
        Assert.All(lines, l => Assert.True(Encoding.UTF8.GetByteCount(l) <= EmfLimits.MaxDocumentBytes));
        var roots = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(100 * 100, metrics.Sum(m => roots.SelectMany(r => EmfSpecification.Values(r, m.Name)).Count()));
    }

    [Fact]
    public void A_set_without_dimensions_uses_one_empty_dimension_set()
    {
        var line = Assert.Single(Write(new MetricSet([], [[]], [new MetricValues("ColdStart", MetricUnit.Count, [1])])));

        Assert.Contains("\"Dimensions\":[[]]", line, StringComparison.Ordinal);
    }

    public static TheoryData<string, MetricSet> InvalidSets => new()
    {
        { "non-ASCII dimension value", new MetricSet([new("Environment", "prød")], [["Environment"]], [Counter("A")]) },
        { "blank dimension value", new MetricSet([new("Environment", "  ")], [["Environment"]], [Counter("A")]) },
        { "dimension value over 1024 characters", new MetricSet([new("Environment", new string('x', 1025))], [["Environment"]], [Counter("A")]) },
        { "dimension name starting with a colon", new MetricSet([new(":Environment", "prod")], [[":Environment"]], [Counter("A")]) },
        { "dimension set referring to a missing dimension", new MetricSet([new("Environment", "prod")], [["Region"]], [Counter("A")]) },
        { "more than 30 dimensions in a set", new MetricSet(
            [.. Enumerable.Range(0, 31).Select(i => new KeyValuePair<string, string>($"D{i}", "v"))],
            [[.. Enumerable.Range(0, 31).Select(i => $"D{i}")]], [Counter("A")]) },
        { "no dimension set at all", new MetricSet([], [], [Counter("A")]) },
        { "metric named like a dimension", new MetricSet([new("Environment", "prod")], [["Environment"]], [Counter("Environment")]) },
        { "metric given twice", new MetricSet([], [[]], [Counter("A"), Counter("A")]) },
        { "metric name over 255 characters", new MetricSet([], [[]], [Counter(new string('m', 256))]) },
        { "NaN value", new MetricSet([], [[]], [new MetricValues("A", MetricUnit.None, [double.NaN])]) },
        { "infinite value", new MetricSet([], [[]], [new MetricValues("A", MetricUnit.None, [double.PositiveInfinity])]) },
    };

    [Theory]
    [MemberData(nameof(InvalidSets))]
    public void Metrics_cloudwatch_would_reject_fail_with_a_clear_reason(string rule, MetricSet set)
    {
        var error = Assert.Throws<EmfValidationException>(() => Write(set));

        Assert.False(string.IsNullOrWhiteSpace(error.Message), rule);
    }

    [Theory]
    [InlineData("")]
    [InlineData(":Paywatch")]
    [InlineData("Paywätch")]
    public void Invalid_namespaces_are_refused(string metricNamespace)
    {
        Assert.Throws<EmfValidationException>(() =>
            EmfDocumentWriter.Write(new ArrayBufferWriter<byte>(), metricNamespace, Timestamp, [Set(Counter("A"))]));
    }

    private static MetricValues Counter(string name) => new(name, MetricUnit.Count, [1]);
}
