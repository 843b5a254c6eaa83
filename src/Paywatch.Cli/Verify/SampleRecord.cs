namespace Paywatch.Cli.Verify;

/// <summary>One of the spec's sample records under a fresh transaction id, and what the deployment must make of it.</summary>
/// <param name="ExpectedRule">The routing rule that must match it (and notify), or null for none.</param>
internal sealed record SampleRecord(string TransactionId, string Json, string ExpectedStatus, string? ExpectedRule)
{
    /// <summary>
    /// The spec's three samples (README, "The spec's three sample records") with ids <c>verify-{run}-001</c> to
    /// <c>-003</c>, so that no earlier run and no producer's record is mistaken for them: an approved purchase, a
    /// high-value one (15000, routed by <c>paywatch-high-value</c>), and a negative amount without merchant (FAILED,
    /// routed by <c>paywatch-failed</c>).
    /// </summary>
    public static IReadOnlyList<SampleRecord> ForRun(string runId) =>
    [
        new($"verify-{runId}-001", $$"""{"transaction_id":"verify-{{runId}}-001","amount":1500,"type":"PURCHASE","merchant_id":"merch-123","merchant_country":"US","transaction_count":1}""", "APPROVED", null),
        new($"verify-{runId}-002", $$"""{"transaction_id":"verify-{{runId}}-002","amount":15000,"type":"PURCHASE","merchant_id":"merch-456","merchant_country":"US","transaction_count":1}""", "APPROVED", "paywatch-high-value"),
        new($"verify-{runId}-003", $$"""{"transaction_id":"verify-{{runId}}-003","amount":-100,"type":"PURCHASE"}""", "FAILED", "paywatch-failed"),
    ];
}
