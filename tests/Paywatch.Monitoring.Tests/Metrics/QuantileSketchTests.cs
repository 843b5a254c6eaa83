using CsCheck;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Monitoring.Tests.Metrics;

public sealed class QuantileSketchTests
{
    // Nearest rank: the value at position ceil(q * n) of the sorted samples.
    private static double Exact(double[] sorted, double q) => sorted[Math.Max(1, (int)Math.Ceiling(q * sorted.Length)) - 1];

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.95)]
    [InlineData(0.99)]
    [InlineData(0.999)]
    public void Percentiles_of_skewed_latencies_are_within_one_percent_of_the_exact_value(double q)
    {
        // Log-normal latencies (heavy right tail), as request latencies are, plus a few huge outliers.
        var random = new Random(42);
        var samples = Enumerable.Range(0, 100_000)
            .Select(_ => Math.Exp(3 + (1.2 * Normal(random))))
            .Concat(Enumerable.Repeat(60_000.0, 50))
            .ToArray();
        var sketch = new QuantileSketch();
        foreach (var s in samples)
        {
            sketch.Add(s);
        }

        Array.Sort(samples);
        var exact = Exact(samples, q);
        var estimate = sketch.Quantile(q)!.Value;
        Assert.InRange(Math.Abs(estimate - exact) / exact, 0, QuantileSketch.RelativeAccuracy);
    }

    [Fact]
    public void The_error_bound_holds_for_any_data_and_any_merge()
    {
        Gen.Select(Gen.Double[-1e6, 1e6].Array[1, 300], Gen.Double[-1e6, 1e6].Array[0, 300], Gen.Double[0, 1]).Sample((a, b, q) =>
        {
            var left = new QuantileSketch();
            var right = new QuantileSketch();
            foreach (var x in a)
            {
                left.Add(x);
            }

            foreach (var x in b)
            {
                right.Add(x);
            }

            left.Merge(right);
            var all = a.Concat(b).Order().ToArray();
            var exact = Exact(all, q);
            var estimate = left.Quantile(q)!.Value;
            Assert.True(Math.Abs(estimate - exact) <= (QuantileSketch.RelativeAccuracy * Math.Abs(exact)) + 1e-9, $"q={q} exact={exact} estimate={estimate}");
        }, iter: 2000);
    }

    [Fact]
    public void An_empty_sketch_has_no_percentile()
    {
        Assert.Null(new QuantileSketch().Quantile(0.5));
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
