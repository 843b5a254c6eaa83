namespace Paywatch.Core.Transactions;

/// <summary>
/// Stable error codes. The wire names (<see cref="ValidationErrorCodes.ToWireName"/>) are a public contract:
/// dashboards, saved queries and routing rules key on them, so they are never renamed. docs/transactions.md
/// lists them with their meaning.
/// </summary>
public enum ValidationErrorCode
{
    // Unreadable records: status ERROR.
    InvalidBase64,
    RecordTooLarge,
    InvalidUtf8,
    MalformedJson,
    NotAnObject,

    // Readable records with invalid business data: status FAILED.
    MissingField,
    InvalidFieldType,
    DuplicateField,
    FieldTooLong,
    AmountNotPositive,
    AmountOutOfRange,
    UnknownType,
    InvalidCountry,
    InvalidCurrency,
    InvalidTimestamp,
    InvalidRiskScore,
    InvalidTransactionCount,
}

public static class ValidationErrorCodes
{
    private static readonly string[] WireNames =
    [
        "INVALID_BASE64", "RECORD_TOO_LARGE", "INVALID_UTF8", "MALFORMED_JSON", "NOT_AN_OBJECT",
        "MISSING_FIELD", "INVALID_FIELD_TYPE", "DUPLICATE_FIELD", "FIELD_TOO_LONG", "AMOUNT_NOT_POSITIVE",
        "AMOUNT_OUT_OF_RANGE", "UNKNOWN_TYPE", "INVALID_COUNTRY", "INVALID_CURRENCY", "INVALID_TIMESTAMP",
        "INVALID_RISK_SCORE", "INVALID_TRANSACTION_COUNT",
    ];

    public static string ToWireName(this ValidationErrorCode code) => WireNames[(int)code];

    /// <summary>Whether the code makes a record unreadable (ERROR) rather than invalid (FAILED).</summary>
    public static bool IsUnreadable(this ValidationErrorCode code) => code <= ValidationErrorCode.NotAnObject;
}
