using System.Text.Json;
using Paywatch.Core.Enrichment;
using Paywatch.Core.Transactions;

namespace Paywatch.Core.Processing;

/// <summary>
/// Writes the enriched transaction: the <c>detail</c> of the EventBridge entry and the body of the log line.
/// Field names follow the input contract (snake_case); numbers stay JSON numbers so that EventBridge's
/// <c>numeric</c> patterns apply. Absent values are omitted (so <c>"exists": false</c> patterns work).
/// </summary>
internal static class TransactionDetailWriter
{
    private static readonly TransactionField[] TextFields =
    [
        TransactionField.TransactionId, TransactionField.Type, TransactionField.Currency, TransactionField.MerchantId,
        TransactionField.MerchantCountry, TransactionField.CardId, TransactionField.AccountId,
    ];

    public static void Write(
        Utf8JsonWriter writer,
        Transaction transaction,
        RiskAssessment? risk,
        int? windowCount,
        ReadOnlySpan<byte> sequenceNumber,
        string? shardId)
    {
        writer.WriteStartObject();
        foreach (var field in TextFields)
        {
            if (transaction.HasText(field))
            {
                writer.WriteString(field.ToWireName(), transaction.Text(field));
            }
        }

        writer.WriteString("status"u8, transaction.Status.ToWireName());
        if (transaction.Amount is { } amount)
        {
            writer.WriteNumber("amount"u8, amount);
        }

        if (transaction.Timestamp is { } timestamp)
        {
            writer.WriteString("timestamp"u8, timestamp);
        }

        if (risk is { } assessment)
        {
            writer.WriteNumber("risk_score"u8, assessment.Score);
            writer.WriteStartArray("risk_reasons"u8);
            assessment.Reasons.ForEachWireName(writer, static (w, name) => w.WriteStringValue(name));
            writer.WriteEndArray();
        }

        if (windowCount is { } count)
        {
            writer.WriteNumber("transaction_count"u8, count);
        }

        if (transaction.PrimaryError is { } primary)
        {
            writer.WriteString("error_code"u8, primary.ToWireName());
            writer.WriteStartArray("errors"u8);
            foreach (var error in transaction.Errors)
            {
                writer.WriteStartObject();
                writer.WriteString("code"u8, error.Code.ToWireName());
                if (error.Field is { } field)
                {
                    writer.WriteString("field"u8, field.ToWireName());
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (transaction.MaskedPans > 0)
        {
            writer.WriteBoolean("pan_masked"u8, true);
        }

        // Where the record came from: consumers deduplicate redeliveries (at-least-once) on these two.
        if (shardId is not null)
        {
            writer.WriteString("shard_id"u8, shardId);
        }

        writer.WriteString("sequence_number"u8, sequenceNumber);
        writer.WriteEndObject();
    }
}
