using BenchmarkDotNet.Attributes;
using Paywatch.Core.Transactions;
using Paywatch.Traffic;

namespace Paywatch.Benchmarks;

/// <summary>
/// Reading and validating alone (no decoding, enrichment or output), per record, on the same traffic as
/// <see cref="HandlerBenchmarks"/>: the share of the handler's time that parsing takes.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class TransactionReaderBenchmarks
{
    private const int Records = 10_000;

    private readonly Transaction _transaction = new();
    private byte[][] _records = [];

    [GlobalSetup]
    public void Setup() => _records = [.. new TrafficGenerator(seed: 1).Generate(Records).Select(r => r.Utf8Json)];

    [Benchmark(OperationsPerInvoke = Records)]
    public int ReadAndValidate()
    {
        var approved = 0;
        foreach (var record in _records)
        {
            TransactionReader.Read(record, _transaction);
            TransactionValidator.Validate(_transaction);
            approved += _transaction.Status == TransactionStatus.Approved ? 1 : 0;
        }

        return approved;
    }
}
