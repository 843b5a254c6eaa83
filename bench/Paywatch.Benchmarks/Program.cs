using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Paywatch.Benchmarks.HandlerBenchmarks).Assembly).Run(args);
