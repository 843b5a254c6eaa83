namespace Paywatch.Core.Transactions;

/// <summary>The kinds of transaction the contract accepts, spelled in upper case on the wire.</summary>
public enum TransactionType
{
    /// <summary>Not given, or not one of the known kinds (the record is FAILED with UNKNOWN_TYPE or MISSING_FIELD).</summary>
    Unknown = 0,
    Purchase,
    Refund,
    Withdrawal,
    Transfer,
    Payment,
    Authorization,
    Capture,
    Reversal,
}

/// <summary>Wire names of <see cref="TransactionType"/>, parsed from UTF-8 without allocating.</summary>
public static class TransactionTypes
{
    private static readonly string[] WireNames =
        ["UNKNOWN", "PURCHASE", "REFUND", "WITHDRAWAL", "TRANSFER", "PAYMENT", "AUTHORIZATION", "CAPTURE", "REVERSAL"];

    public static string ToWireName(this TransactionType type) => WireNames[(int)type];

    /// <summary>Matches the exact upper-case wire name; the contract is case-sensitive on purpose.</summary>
    public static TransactionType Parse(ReadOnlySpan<byte> utf8) => utf8 switch
    {
        _ when utf8.SequenceEqual("PURCHASE"u8) => TransactionType.Purchase,
        _ when utf8.SequenceEqual("REFUND"u8) => TransactionType.Refund,
        _ when utf8.SequenceEqual("WITHDRAWAL"u8) => TransactionType.Withdrawal,
        _ when utf8.SequenceEqual("TRANSFER"u8) => TransactionType.Transfer,
        _ when utf8.SequenceEqual("PAYMENT"u8) => TransactionType.Payment,
        _ when utf8.SequenceEqual("AUTHORIZATION"u8) => TransactionType.Authorization,
        _ when utf8.SequenceEqual("CAPTURE"u8) => TransactionType.Capture,
        _ when utf8.SequenceEqual("REVERSAL"u8) => TransactionType.Reversal,
        _ => TransactionType.Unknown,
    };
}
