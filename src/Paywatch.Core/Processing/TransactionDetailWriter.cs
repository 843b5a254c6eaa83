using System.Text.Json;
using Paywatch.Core.Alerting;
using Paywatch.Core.Enrichment;
using Paywatch.Core.Routing;
using Paywatch.Core.Transactions;

namespace Paywatch.Core.Processing;

/// <summary>
/// Writes the enriched transaction: the <c>detail</c> of the EventBridge entry and the body of the log line.
/// Field names follow the input contract (snake_case); numbers stay JSON numbers so that EventBridge's
/// <c>numeric</c> patterns apply. Absent values are omitted (so <c>"exists": false</c> patterns work).
/// </summary>
internal static class TransactionDetailWriter
{
    private static readonly (TransactionField Field, JsonEncodedText Name)[] TextFields =
    [
        .. new[]
        {
            TransactionField.TransactionId, TransactionField.Type, TransactionField.Currency, TransactionField.MerchantId,
            TransactionField.MerchantCountry, TransactionField.CardId, TransactionField.AccountId, TransactionField.Timestamp,
        }.Select(f => (f, JsonEncodedText.Encode(f.ToWireName()))),
    ];

    // Values written for every record, encoded once.
    private static readonly JsonEncodedText[] Statuses =
        [.. Enum.GetValues<TransactionStatus>().Select(s => JsonEncodedText.Encode(s.ToWireName()))];

    private static readonly JsonEncodedText[] ErrorCodes =
        [.. Enum.GetValues<ValidationErrorCode>().Select(c => JsonEncodedText.Encode(c.ToWireName()))];

    private static readonly JsonEncodedText[] FieldNames =
        [.. Enum.GetValues<TransactionField>().Select(f => JsonEncodedText.Encode(f.ToWireName()))];

    private static readonly JsonEncodedText[] AlertNames = [.. AlertKinds.All.Select(k => JsonEncodedText.Encode(k.ToWireName()))];

    // The producer's words a rule's message quotes (config/targets), copied escaped into template_safe.
    private static readonly (TransactionField Field, JsonEncodedText Name)[] QuotedFields =
        [.. TextFields.Where(f => f.Field is TransactionField.TransactionId or TransactionField.Type or TransactionField.MerchantId or TransactionField.MerchantCountry)];

    public static void Write(
        Utf8JsonWriter writer,
        Transaction transaction,
        RiskAssessment? risk,
        int? windowCount,
        ReadOnlySpan<byte> sequenceNumber,
        string? shardId,
        AlertKind alerts = AlertKind.None,
        ReadOnlySpan<byte> velocityEntity = default)
    {
        writer.WriteStartObject();
        // The timestamp is written as the producer sent it: validated RFC 3339, so consumers can parse it.
        foreach (var (field, name) in TextFields)
        {
            if (transaction.HasText(field) && (field != TransactionField.Timestamp || transaction.Timestamp is not null))
            {
                writer.WriteString(name, transaction.Text(field));
            }
        }

        writer.WriteString("status"u8, Statuses[(int)transaction.Status]);
        if (transaction.Amount is { } amount)
        {
            writer.WriteNumber("amount"u8, amount);
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
            writer.WriteString("error_code"u8, ErrorCodes[(int)primary]);
            writer.WriteStartArray("errors"u8);
            foreach (var error in transaction.Errors)
            {
                writer.WriteStartObject();
                writer.WriteString("code"u8, ErrorCodes[(int)error.Code]);
                if (error.Field is { } field)
                {
                    writer.WriteString("field"u8, FieldNames[(int)field]);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (alerts != AlertKind.None)
        {
            WriteAlerts(writer, transaction, alerts, velocityEntity);
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

    /// <summary>
    /// The incidents the transaction is notified for (each rule matches its own in <c>alert</c>), and what their
    /// messages need that the transaction may lack: the entity counted, and the failure in words.
    /// </summary>
    private static void WriteAlerts(Utf8JsonWriter writer, Transaction transaction, AlertKind alerts, ReadOnlySpan<byte> velocityEntity)
    {
        writer.WriteStartArray("alert"u8);
        foreach (var kind in AlertKinds.All)
        {
            if ((alerts & kind) != 0)
            {
                writer.WriteStringValue(AlertNames[kind.Index()]);
            }
        }

        writer.WriteEndArray();
        string? description = null;
        if ((alerts & AlertKind.Velocity) != 0)
        {
            writer.WriteString("velocity_entity"u8, velocityEntity);
        }

        if ((alerts & AlertKind.Failed) != 0 && transaction.PrimaryError is { } primary)
        {
            var subject = transaction.HasText(TransactionField.TransactionId)
                ? $"transaction {Encoding.UTF8.GetString(transaction.Text(TransactionField.TransactionId))}"
                : "a record without a transaction id";
            var field = transaction.Errors[0].Field is { } f ? $" ({f.ToWireName()})" : "";
            var more = transaction.Errors.Count > 1 ? $", and {transaction.Errors.Count - 1} more" : "";
            description = $"{subject}: {primary.Describe()}{field}{more}";
            writer.WriteString("error_description"u8, description);
        }

        // What the rules' messages quote, escaped for the input template's JSON string (InputTemplateText): the fields
        // above stay as the producer sent them (masked), for consumers and for lookups.
        writer.WriteStartObject("template_safe"u8);
        foreach (var (quoted, name) in QuotedFields)
        {
            if (transaction.HasText(quoted))
            {
                writer.WriteString(name, InputTemplateText.Escape(transaction.Text(quoted)));
            }
        }

        if ((alerts & AlertKind.Velocity) != 0)
        {
            writer.WriteString("velocity_entity"u8, InputTemplateText.Escape(velocityEntity));
        }

        if (description is not null)
        {
            writer.WriteString("error_description"u8, InputTemplateText.Escape(description));
        }

        writer.WriteEndObject();
    }
}
