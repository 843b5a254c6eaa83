namespace Paywatch.Core.Transactions;

/// <summary>
/// The contract's business rules, applied after <see cref="TransactionReader"/>. Adds every error it finds
/// (not just the first), so a FAILED record explains itself completely.
/// </summary>
public static class TransactionValidator
{
    /// <summary>No single card payment comes near this; a larger amount is a unit or encoding bug upstream.</summary>
    public const decimal MaxAmount = 1_000_000_000m;

    public const int MaxRiskScore = 100;

    private static readonly TransactionField[] RequiredFields =
    [
        TransactionField.TransactionId, TransactionField.Amount, TransactionField.Type,
        TransactionField.MerchantId, TransactionField.MerchantCountry,
    ];

    public static void Validate(Transaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Status == TransactionStatus.Error)
        {
            return;
        }

        foreach (var field in RequiredFields)
        {
            if (!transaction.IsPresent(field) || IsEmptyString(transaction, field))
            {
                transaction.AddError(ValidationErrorCode.MissingField, field);
            }
        }

        if (transaction.Amount is { } amount)
        {
            if (amount <= 0)
            {
                transaction.AddError(ValidationErrorCode.AmountNotPositive, TransactionField.Amount);
            }
            else if (amount > MaxAmount)
            {
                transaction.AddError(ValidationErrorCode.AmountOutOfRange, TransactionField.Amount);
                transaction.Amount = null; // an absurd amount may itself be a card number: never echo it
            }
        }

        if (transaction.HasText(TransactionField.Type) && transaction.Type == TransactionType.Unknown)
        {
            transaction.AddError(ValidationErrorCode.UnknownType, TransactionField.Type);
        }

        CheckText(transaction, TransactionField.MerchantCountry, IsoCodes.IsCountry, ValidationErrorCode.InvalidCountry);
        CheckText(transaction, TransactionField.Currency, IsoCodes.IsCurrency, ValidationErrorCode.InvalidCurrency);

        if (transaction.HasText(TransactionField.Timestamp) && transaction.Timestamp is null)
        {
            transaction.AddError(ValidationErrorCode.InvalidTimestamp, TransactionField.Timestamp);
        }

        if (transaction.RiskScore > MaxRiskScore)
        {
            transaction.AddError(ValidationErrorCode.InvalidRiskScore, TransactionField.RiskScore);
            transaction.RiskScore = null;
        }
    }

    private static bool IsEmptyString(Transaction transaction, TransactionField field) =>
        !transaction.HasError(field) && !transaction.HasText(field) && field is not TransactionField.Amount;

    private static void CheckText(
        Transaction transaction, TransactionField field, IsoCheck isValid, ValidationErrorCode error)
    {
        if (transaction.HasText(field) && !isValid(transaction.Text(field)))
        {
            transaction.AddError(error, field);
        }
    }

    private delegate bool IsoCheck(ReadOnlySpan<byte> utf8);
}
