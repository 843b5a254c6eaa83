using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Paywatch.Monitoring.Logs;

namespace Paywatch.Benchmarks;

/// <summary>
/// The shipped Latency-Trends and Transaction-Types saved queries over 1,000,000 log lines shaped like the
/// processor's "transaction processed" lines (docs/telemetry.md), three milliseconds apart (50 minutes, so ten
/// 5-minute bins), with a mix of types and statuses. Figures are per run over all the lines, parsing included.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class LogsInsightsBenchmarks
{
    private const int Lines = 1_000_000;

    private byte[][] _lines = [];
    private LogQuery _latencyTrends = null!;
    private LogQuery _transactionTypes = null!;

    [GlobalSetup]
    public void Setup()
    {
        string[] types = ["PURCHASE", "REFUND", "TRANSFER", "WITHDRAWAL", "DEPOSIT", "PAYMENT", "AUTHORIZATION", "CAPTURE"];
        string[] statuses = ["APPROVED", "APPROVED", "APPROVED", "APPROVED", "APPROVED", "APPROVED", "APPROVED", "APPROVED", "FAILED", "ERROR"];
        string[] countries = ["US", "CA", "GB", "DE", "FR", "JP"];
        var random = new Random(7);
        var start = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
        _lines = new byte[Lines][];
        for (var i = 0; i < Lines; i++)
        {
            var time = start.AddMilliseconds(i * 3).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            var status = statuses[random.Next(statuses.Length)];
            var level = status switch { "APPROVED" => "INFO", "FAILED" => "WARN", _ => "ERROR" };
            var error = status == "APPROVED" ? "" : ""","error_code":"INVALID_AMOUNT","errors":[{"code":"INVALID_AMOUNT","field":"amount"}]""";
            var line = string.Create(CultureInfo.InvariantCulture, $$"""
                {"time":"{{time}}","level":"{{level}}","message":"transaction processed","transaction_id":"txn-{{i:D8}}","type":"{{types[random.Next(types.Length)]}}","currency":"USD","merchant_id":"merch-{{random.Next(1000):D3}}","merchant_country":"{{countries[random.Next(countries.Length)]}}","card_id":"card-{{random.Next(50_000)}}","account_id":"acct-{{random.Next(20_000)}}","timestamp":"{{time}}","status":"{{status}}","amount":{{random.Next(1, 2_000_000) / 100.0}},"risk_score":{{random.Next(100)}},"risk_reasons":[],"transaction_count":{{random.Next(1, 30)}}{{error}},"shard_id":"shardId-000000000000","sequence_number":"{{i + 1:D21}}","latency_ms":{{random.Next(1, 250)}},"published":true,"matched_rules":[]}
                """);
            _lines[i] = Encoding.UTF8.GetBytes(line);
        }

        _latencyTrends = LogQuery.Parse(ReadQuery("Latency-Trends"));
        _transactionTypes = LogQuery.Parse(ReadQuery("Transaction-Types"));
    }

    [Benchmark]
    public int LatencyTrends() => Run(_latencyTrends);

    [Benchmark]
    public int TransactionTypes() => Run(_transactionTypes);

    private int Run(LogQuery query)
    {
        var run = query.Start();
        foreach (var line in _lines)
        {
            run.Add(line);
        }

        return run.Finish().Rows.Count;
    }

    // The saved queries as shipped, embedded from config/queries.
    private static string ReadQuery(string name)
    {
        using var stream = typeof(LogsInsightsBenchmarks).Assembly.GetManifestResourceStream($"queries/{name}.query")
            ?? throw new InvalidOperationException($"queries/{name}.query is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
