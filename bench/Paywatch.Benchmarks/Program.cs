using BenchmarkDotNet.Running;

if (args is ["--count-matches"])
{
    foreach (var rules in new[] { 4, 100, 1000 })
    {
        var b = new Paywatch.Benchmarks.PatternBenchmarks { Rules = rules };
        b.Setup();
        Console.WriteLine($"{rules} rules: {b.MatchEvent() / 1000.0:F2} matches per event");
    }

    return;
}

if (args is ["--count-datapoints"])
{
    var emf = new Paywatch.Benchmarks.MetricStoreBenchmarks();
    emf.Setup();
    Console.WriteLine($"{emf.Documents} EMF documents, {emf.IngestEmf()} datapoints per IngestEmf run");
    return;
}

if (args is ["--profile-patterns", var seconds])
{
    // A plain loop for a sampling profiler (perf): BenchmarkDotNet's own process runs too briefly per iteration.
    var benchmark = new Paywatch.Benchmarks.PatternBenchmarks { Rules = 4 };
    benchmark.Setup();
    var until = DateTime.UtcNow.AddSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture));
    while (DateTime.UtcNow < until)
    {
        benchmark.MatchEntry();
    }

    return;
}

if (args is ["--twin-stages", var stageRecords, var lanes])
{
    await Paywatch.Benchmarks.TwinStagesBenchmark.RunAsync(
        int.Parse(stageRecords, System.Globalization.CultureInfo.InvariantCulture), int.Parse(lanes, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (args is ["--lambda-host", var runs])
{
    await Paywatch.Benchmarks.LambdaHostBenchmark.RunAsync(int.Parse(runs, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

if (args is ["--kinesis-ingest", .. var rest])
{
    await Paywatch.Benchmarks.KinesisIngestBenchmark.RunAsync(rest is [{ } ingestSeconds] ? double.Parse(ingestSeconds, System.Globalization.CultureInfo.InvariantCulture) : 10);
    return;
}

if (args is ["--twin-throughput", .. var count])
{
    await Paywatch.Benchmarks.TwinThroughputBenchmark.RunAsync(count is [{ } n] ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : 200_000);
    return;
}

if (args is ["--notifications"])
{
    await Paywatch.Benchmarks.NotificationBenchmark.RunAsync();
    return;
}

if (args is ["--twin-soak", .. var soak])
{
    // Records in all (default 10 million), and how many between two memory samples (default 1 million).
    await Paywatch.Benchmarks.TwinSoakBenchmark.RunAsync(
        soak is [{ } total, ..] ? long.Parse(total, System.Globalization.CultureInfo.InvariantCulture) : 10_000_000,
        soak is [_, { } every] ? int.Parse(every, System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
    return;
}

if (args is ["--web-first-render", .. var loads])
{
    await Paywatch.Benchmarks.WebFirstRenderBenchmark.RunAsync(loads is [{ } n] ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : 10);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Paywatch.Benchmarks.HandlerBenchmarks).Assembly).Run(args);
