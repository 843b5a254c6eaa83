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
    private static readonly string[] Descriptions =
    [
        "the Kinesis data is not valid base64", "the record is larger than 32 KiB", "the record is not UTF-8",
        "the record is not one JSON value", "the record is JSON but not an object", "a required field is absent or empty",
        "a field has the wrong JSON type", "a field appears twice", "an identifier is longer than 128 bytes",
        "the amount is zero or negative", "the amount is out of range", "the type is not one of the eight types",
        "the merchant country is not an ISO 3166-1 alpha-2 code", "the currency is not an active ISO 4217 code",
        "the timestamp is not RFC 3339 with an offset", "the risk score is not an integer from 0 to 100",
        "the transaction count is not a non-negative integer",
    ];

    private static readonly string[] WireNames =
    [
        "INVALID_BASE64", "RECORD_TOO_LARGE", "INVALID_UTF8", "MALFORMED_JSON", "NOT_AN_OBJECT",
        "MISSING_FIELD", "INVALID_FIELD_TYPE", "DUPLICATE_FIELD", "FIELD_TOO_LONG", "AMOUNT_NOT_POSITIVE",
        "AMOUNT_OUT_OF_RANGE", "UNKNOWN_TYPE", "INVALID_COUNTRY", "INVALID_CURRENCY", "INVALID_TIMESTAMP",
        "INVALID_RISK_SCORE", "INVALID_TRANSACTION_COUNT",
    ];

    public static string ToWireName(this ValidationErrorCode code) => WireNames[(int)code];

    /// <summary>What the code means, for a person reading an alert (docs/transactions.md has the same table).</summary>
    public static string Describe(this ValidationErrorCode code) => Descriptions[(int)code];

    /// <summary>Whether the code makes a record unreadable (ERROR) rather than invalid (FAILED).</summary>
    public static bool IsUnreadable(this ValidationErrorCode code) => code <= ValidationErrorCode.NotAnObject;
}
