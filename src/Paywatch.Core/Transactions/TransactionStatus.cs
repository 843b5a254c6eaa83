namespace Paywatch.Core.Transactions;

/// <summary>The outcome of one record. Every record ends in exactly one of these, never in an exception.</summary>
public enum TransactionStatus
{
    /// <summary>Readable and valid business data.</summary>
    Approved,

    /// <summary>Readable, but the business data is invalid (negative amount, unknown country, ...).</summary>
    Failed,

    /// <summary>Unreadable: not UTF-8, not JSON, not an object, too large, undecodable base64.</summary>
    Error,
}

public static class TransactionStatuses
{
    public static string ToWireName(this TransactionStatus status) => status switch
    {
        TransactionStatus.Approved => "APPROVED",
        TransactionStatus.Failed => "FAILED",
        _ => "ERROR",
    };
}
