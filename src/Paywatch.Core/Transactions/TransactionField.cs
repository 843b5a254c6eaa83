namespace Paywatch.Core.Transactions;

/// <summary>The fields of the transaction contract (JSON, snake_case).</summary>
public enum TransactionField
{
    TransactionId,
    Amount,
    Type,
    MerchantId,
    MerchantCountry,
    Currency,
    CardId,
    AccountId,
    Timestamp,
    RiskScore,
    TransactionCount,
}

public static class TransactionFields
{
    private static readonly string[] WireNames =
    [
        "transaction_id", "amount", "type", "merchant_id", "merchant_country", "currency", "card_id",
        "account_id", "timestamp", "risk_score", "transaction_count",
    ];

    private static readonly byte[][] Utf8Names = [.. WireNames.Select(Encoding.UTF8.GetBytes)];

    public static string ToWireName(this TransactionField field) => WireNames[(int)field];

    /// <summary>Maps a JSON property name to a field; unknown names are ignored by the reader.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out TransactionField field)
    {
        // Dispatch on length first: one comparison per name, on the hot path of every record.
        field = utf8.Length switch
        {
            4 => TransactionField.Type,
            6 => TransactionField.Amount,
            7 => TransactionField.CardId,
            8 => TransactionField.Currency,
            9 => TransactionField.Timestamp,
            10 => utf8[0] == 'a' ? TransactionField.AccountId : TransactionField.RiskScore,
            11 => TransactionField.MerchantId,
            14 => TransactionField.TransactionId,
            16 => TransactionField.MerchantCountry,
            17 => TransactionField.TransactionCount,
            _ => (TransactionField)(-1),
        };
        return field >= 0 && utf8.SequenceEqual(Utf8Names[(int)field]);
    }
}
