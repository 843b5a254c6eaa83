using static Paywatch.Monitoring.Tests.Logs.QueryRunner;

namespace Paywatch.Monitoring.Tests.Logs;

/// <summary>The four shipped queries, unchanged, over small hand-made logs; every expected figure is worked out by hand in the comments.</summary>
public sealed class SavedQueryTests
{
    [Fact]
    public void Latency_trends_gives_nearest_rank_p95_and_p99_per_five_minutes()
    {
        var lines = new List<string>();
        // 08:00–08:05: twenty transactions with latencies 1..20 ms.
        for (var i = 1; i <= 20; i++)
        {
            lines.Add(Processed($"2026-11-26T08:0{i % 5}:{i:D2}Z", $$"""
                "transaction_id":"t{{i}}","type":"PURCHASE","status":"APPROVED","amount":1,"latency_ms":{{i}}
                """.Trim()));
        }

        // 08:05–08:10: three transactions, 5, 50 and 500 ms.
        lines.Add(Processed("2026-11-26T08:05:00Z", "\"latency_ms\":5"));
        lines.Add(Processed("2026-11-26T08:07:00.500Z", "\"latency_ms\":50"));
        lines.Add(Processed("2026-11-26T08:09:59.999Z", "\"latency_ms\":500"));

        // Left out: another message, a transaction without latency, a line that is not JSON.
        lines.Add("""{"time":"2026-11-26T08:01:00Z","level":"INFO","message":"window closed","latency_ms":999}""");
        lines.Add(Processed("2026-11-26T08:01:00Z", "\"status\":\"ERROR\""));
        lines.Add("START RequestId: 1234 latency_ms 999");

        var result = Run(SavedQuery("Latency-Trends"), [.. lines]);

        Assert.Equal(["bin(5m)", "p95_ms", "p99_ms", "transactions"], result.Columns);
        // n = 20: p95 is the ⌈0.95 × 20⌉ = 19th smallest = 19; p99 the ⌈19.8⌉ = 20th = 20.
        // n = 3: p95 is the ⌈2.85⌉ = 3rd = 500; p99 the ⌈2.97⌉ = 3rd = 500.
        Assert.Equal(
            [
                ["2026-11-26 08:00:00.000", "19", "20", "20"],
                ["2026-11-26 08:05:00.000", "500", "500", "3"],
            ],
            result.Texts());
    }

    [Fact]
    public void Transaction_types_counts_and_sums_by_type_most_frequent_first()
    {
        string[] lines =
        [
            Processed("2026-11-26T08:00:01Z", "\"type\":\"PURCHASE\",\"amount\":10"),
            Processed("2026-11-26T08:00:02Z", "\"type\":\"REFUND\",\"amount\":5"),
            Processed("2026-11-26T08:00:03Z", "\"type\":\"PURCHASE\",\"amount\":20.5"),
            Processed("2026-11-26T08:00:04Z", "\"type\":\"TRANSFER\",\"amount\":100"),
            Processed("2026-11-26T08:00:05Z", "\"type\":\"PURCHASE\",\"amount\":30"),
            Processed("2026-11-26T08:00:06Z", "\"type\":\"TRANSFER\""),
            Processed("2026-11-26T08:00:07Z", "\"amount\":1000"),
            """{"time":"2026-11-26T08:00:08Z","message":"publish failed","type":"PURCHASE","amount":7}""",
        ];

        var result = Run(SavedQuery("Transaction-Types"), lines);

        Assert.Equal(["type", "transactions", "total_amount"], result.Columns);
        // PURCHASE: 3, 10 + 20.5 + 30 = 60.5; TRANSFER: 2, 100 (one has no amount); REFUND: 1, 5.
        Assert.Equal([["PURCHASE", "3", "60.5"], ["TRANSFER", "2", "100"], ["REFUND", "1", "5"]], result.Texts());
    }

    [Fact]
    public void Error_analysis_counts_non_approved_outcomes_by_error_code_and_status()
    {
        string[] lines =
        [
            Processed("2026-11-26T08:00:01Z", "\"status\":\"APPROVED\""),
            Processed("2026-11-26T08:00:02Z", "\"status\":\"FAILED\",\"error_code\":\"INVALID_AMOUNT\""),
            Processed("2026-11-26T08:00:03Z", "\"status\":\"ERROR\",\"error_code\":\"INTERNAL\""),
            Processed("2026-11-26T08:00:04Z", "\"status\":\"FAILED\",\"error_code\":\"INVALID_AMOUNT\""),
            Processed("2026-11-26T08:00:05Z", "\"status\":\"FAILED\",\"error_code\":\"MISSING_FIELD\""),
            Processed("2026-11-26T08:00:06Z", "\"status\":\"APPROVED\""),
            Processed("2026-11-26T08:00:07Z", "\"status\":\"ERROR\",\"error_code\":\"INTERNAL\""),
            Processed("2026-11-26T08:00:08Z", "\"status\":\"FAILED\",\"error_code\":\"INVALID_AMOUNT\""),
            // No status: "status != 'APPROVED'" is false for a missing field, so it is left out.
            Processed("2026-11-26T08:00:09Z", "\"error_code\":\"INVALID_AMOUNT\""),
        ];

        var result = Run(SavedQuery("Error-Analysis"), lines);

        Assert.Equal(["error_code", "status", "occurrences"], result.Columns);
        Assert.Equal([["INVALID_AMOUNT", "FAILED", "3"], ["INTERNAL", "ERROR", "2"], ["MISSING_FIELD", "FAILED", "1"]], result.Texts());
    }

    [Fact]
    public void Success_rate_gives_the_share_of_approved_per_five_minutes()
    {
        string[] lines =
        [
            Processed("2026-11-26T08:00:00Z", "\"status\":\"APPROVED\""),
            Processed("2026-11-26T08:01:00Z", "\"status\":\"APPROVED\""),
            Processed("2026-11-26T08:02:00Z", "\"status\":\"FAILED\""),
            Processed("2026-11-26T08:04:59Z", "\"status\":\"APPROVED\""),
            Processed("2026-11-26T08:12:30Z", "\"status\":\"ERROR\""),
            Processed("2026-11-26T08:14:00Z", "\"status\":\"APPROVED\""),
            """{"time":"2026-11-26T08:03:00Z","message":"window closed","status":"APPROVED"}""",
        ];

        var result = Run(SavedQuery("Success-Rate"), lines);

        Assert.Equal(["bin(5m)", "transactions", "approved_transactions", "success_ratio"], result.Columns);
        // 08:00: 4 transactions, 3 approved, 3/4 = 0.75. 08:10: 2, 1, 1/2 = 0.5.
        Assert.Equal(
            [
                ["2026-11-26 08:00:00.000", "4", "3", "0.75"],
                ["2026-11-26 08:10:00.000", "2", "1", "0.5"],
            ],
            result.Texts());
    }
}
