using System.Text.Json;
using System.Text.Unicode;

namespace Paywatch.Core.Transactions;

/// <summary>
/// Reads one record's bytes into a <see cref="Transaction"/>: checks the size, UTF-8 and JSON structure, and
/// the JSON type of each known field. Business rules are <see cref="TransactionValidator"/>'s job.
/// Never throws on any input.
/// </summary>
public static class TransactionReader
{
    /// <summary>
    /// Transactions are a few hundred bytes; a record far larger is a producer bug, not a payment. Kinesis
    /// itself accepts up to 1 MiB per record, so the limit is ours and documented in docs/transactions.md.
    /// </summary>
    public const int DefaultMaxRecordBytes = 32 * 1024;

    private static readonly JsonReaderOptions Options = new() { MaxDepth = 16 };

    public static void Read(ReadOnlySpan<byte> record, Transaction transaction, int maxRecordBytes = DefaultMaxRecordBytes)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (record.Length > maxRecordBytes)
        {
            transaction.Fail(ValidationErrorCode.RecordTooLarge);
            return;
        }

        if (!Utf8.IsValid(record))
        {
            transaction.Fail(ValidationErrorCode.InvalidUtf8);
            return;
        }

        transaction.Reset();
        try
        {
            ReadObject(record, transaction);
        }
        catch (JsonException)
        {
            // Fields read before the syntax error are discarded: a half-read record is unreadable, not invalid.
            transaction.Fail(ValidationErrorCode.MalformedJson);
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") is valid JSON syntax (RFC 8259 section 8.2) but no Unicode text:
            // the reader refuses to unescape it. The record's text is not valid UTF-8 once unescaped.
            transaction.Fail(ValidationErrorCode.InvalidUtf8);
        }
    }

    private static void ReadObject(ReadOnlySpan<byte> record, Transaction transaction)
    {
        var reader = new Utf8JsonReader(record, Options);
        if (!reader.Read())
        {
            throw new JsonException("empty record");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            // Still read to the end, so that garbage after a scalar is MALFORMED_JSON rather than NOT_AN_OBJECT.
            while (reader.Read())
            {
            }

            transaction.Fail(ValidationErrorCode.NotAnObject);
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!TryReadFieldName(ref reader, out var field))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read();
            if (!transaction.MarkPresent(field))
            {
                // Two values for one field: which one a downstream system sees is parser-dependent, so refuse.
                if (!transaction.HasError(field))
                {
                    transaction.AddError(ValidationErrorCode.DuplicateField, field);
                }

                reader.Skip();
                continue;
            }

            ReadField(ref reader, field, transaction);
        }

        // Drain: the reader reports trailing content or an unclosed object as a JsonException.
        while (reader.Read())
        {
        }
    }

    private static bool TryReadFieldName(ref Utf8JsonReader reader, out TransactionField field)
    {
        if (!reader.ValueIsEscaped)
        {
            return TransactionFields.TryParse(reader.ValueSpan, out field);
        }

        Span<byte> name = stackalloc byte[64];
        if (reader.ValueSpan.Length > name.Length)
        {
            field = default;
            return false;
        }

        var length = reader.CopyString(name);
        return TransactionFields.TryParse(name[..length], out field);
    }

    private static void ReadField(ref Utf8JsonReader reader, TransactionField field, Transaction transaction)
    {
        switch (field)
        {
            case TransactionField.Amount:
                ReadAmount(ref reader, transaction);
                break;
            case TransactionField.RiskScore:
                transaction.RiskScore = ReadInteger(ref reader, transaction, field, ValidationErrorCode.InvalidRiskScore);
                break;
            case TransactionField.TransactionCount:
                transaction.TransactionCount =
                    ReadInteger(ref reader, transaction, field, ValidationErrorCode.InvalidTransactionCount);
                break;
            default:
                ReadString(ref reader, transaction, field);
                break;
        }
    }

    private static void ReadAmount(ref Utf8JsonReader reader, Transaction transaction)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            transaction.AddError(ValidationErrorCode.InvalidFieldType, TransactionField.Amount);
            reader.Skip();
            return;
        }

        if (reader.TryGetDecimal(out var amount))
        {
            transaction.Amount = amount;
        }
        else
        {
            transaction.AddError(ValidationErrorCode.AmountOutOfRange, TransactionField.Amount);
        }
    }

    private static int? ReadInteger(
        ref Utf8JsonReader reader, Transaction transaction, TransactionField field, ValidationErrorCode rangeError)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            transaction.AddError(ValidationErrorCode.InvalidFieldType, field);
            reader.Skip();
            return null;
        }

        if (reader.TryGetDecimal(out var value) && value == decimal.Truncate(value) && value is >= 0 and <= int.MaxValue)
        {
            return (int)value;
        }

        transaction.AddError(rangeError, field);
        return null;
    }

    private static void ReadString(ref Utf8JsonReader reader, Transaction transaction, TransactionField field)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            transaction.AddError(ValidationErrorCode.InvalidFieldType, field);
            reader.Skip();
            return;
        }

        // An escape sequence is at least as long as the character it stands for, so the raw length bounds the
        // unescaped one from above; each unescaped byte takes at most six raw bytes (\uXXXX).
        var raw = reader.ValueSpan.Length;
        if (raw > Transaction.MaxIdentifierBytes * 6 ||
            (!reader.ValueIsEscaped && raw > Transaction.MaxIdentifierBytes))
        {
            transaction.AddError(ValidationErrorCode.FieldTooLong, field);
            return;
        }

        var target = transaction.RentText(raw);
        var length = reader.ValueIsEscaped ? reader.CopyString(target) : Copy(reader.ValueSpan, target);
        if (length > Transaction.MaxIdentifierBytes)
        {
            transaction.AddError(ValidationErrorCode.FieldTooLong, field);
            return;
        }

        transaction.CommitText(field, length);
        if (field == TransactionField.Type)
        {
            transaction.Type = TransactionTypes.Parse(transaction.Text(field));
        }
        else if (field == TransactionField.Timestamp)
        {
            transaction.Timestamp = TimestampParser.TryParse(transaction.Text(field), out var timestamp)
                ? timestamp
                : null;
        }
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> target)
    {
        source.CopyTo(target);
        return source.Length;
    }
}
