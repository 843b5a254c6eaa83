namespace Paywatch.Core.Alerting;

/// <summary>
/// The sample records <c>paywatch verify</c> sends to prove the delivery path: their transaction ids begin with
/// <see cref="TransactionIdPrefix"/>. Their incidents are notified whatever the window's budget has left, so that verify
/// on a busy stream still sees its alerts delivered; they do not spend the budget either.
/// </summary>
public static class VerifyProbe
{
    /// <summary>How a probe's transaction id begins: <c>verify-{run}-001</c>.</summary>
    public const string TransactionIdPrefix = "verify-";

    private static readonly byte[] Utf8Prefix = System.Text.Encoding.UTF8.GetBytes(TransactionIdPrefix);

    /// <summary>Whether <paramref name="transactionId"/> (UTF-8) is a probe's.</summary>
    public static bool IsProbe(ReadOnlySpan<byte> transactionId) => transactionId.StartsWith(Utf8Prefix);
}
