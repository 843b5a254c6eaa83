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

    public static string ToWireName(this TransactionField field) => WireNames[(int)field];

    /// <summary>Maps a JSON property name to a field; unknown names are ignored by the reader.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out TransactionField field)
    {
        for (var i = 0; i < WireNames.Length; i++)
        {
            if (Ascii.Equals(utf8, WireNames[i]))
            {
                field = (TransactionField)i;
                return true;
            }
        }

        field = default;
        return false;
    }
}
