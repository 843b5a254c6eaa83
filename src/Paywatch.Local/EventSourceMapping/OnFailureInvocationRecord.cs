using System.Globalization;
using System.Text;
using System.Text.Json;
using Paywatch.Local.Streams;

namespace Paywatch.Local.EventSourceMapping;

/// <summary>
/// The message Lambda sends to a Kinesis mapping's on-failure destination for a batch it gives up on: metadata, not
/// the records (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html, "Example Kinesis
/// invocation record"): requestContext {requestId, functionArn, condition, approximateInvokeCount}, responseContext
/// {statusCode, executedVersion, functionError}, version, timestamp and KinesisBatchInfo {shardId,
/// startSequenceNumber, endSequenceNumber, approximateArrivalOfFirstRecord, approximateArrivalOfLastRecord,
/// batchSize, streamArn}. A reader fetches the records with GetShardIterator AT_SEQUENCE_NUMBER.
/// </summary>
internal static class OnFailureInvocationRecord
{
    public const string RetryAttemptsExhausted = "RetryAttemptsExhausted";
    public const string RecordAgeExceeded = "RecordAgeExceeded";

    /// <param name="records">The batch given up on (not empty).</param>
    /// <param name="condition"><see cref="RetryAttemptsExhausted"/> or <see cref="RecordAgeExceeded"/>.</param>
    /// <param name="approximateInvokeCount">Invocations made with these records.</param>
    /// <param name="requestId">The last invocation's request id (a new one when there was none).</param>
    /// <param name="statusCode">The last invocation's status code (200 when it ran, even with a function error).</param>
    /// <param name="functionError">The last invocation's function error (<c>Unhandled</c>), or null.</param>
    public static string Write(
        ReadOnlySpan<StoredRecord> records,
        string condition,
        int approximateInvokeCount,
        string requestId,
        int statusCode,
        string? functionError,
        string functionArn,
        string shardId,
        string streamArn,
        DateTimeOffset timestamp)
    {
        using var buffer = new MemoryStream(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("requestContext"u8);
            writer.WriteString("requestId"u8, requestId);
            writer.WriteString("functionArn"u8, functionArn);
            writer.WriteString("condition"u8, condition);
            writer.WriteNumber("approximateInvokeCount"u8, approximateInvokeCount);
            writer.WriteEndObject();
            writer.WriteStartObject("responseContext"u8);
            writer.WriteNumber("statusCode"u8, statusCode);
            writer.WriteString("executedVersion"u8, "$LATEST");
            if (functionError is not null)
            {
                writer.WriteString("functionError"u8, functionError);
            }

            writer.WriteEndObject();
            writer.WriteString("version"u8, "1.0");
            writer.WriteString("timestamp"u8, Iso(timestamp));
            writer.WriteStartObject("KinesisBatchInfo"u8);
            writer.WriteString("shardId"u8, shardId);
            writer.WriteString("startSequenceNumber"u8, records[0].SequenceNumber.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("endSequenceNumber"u8, records[^1].SequenceNumber.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("approximateArrivalOfFirstRecord"u8, Iso(records[0].ApproximateArrivalTimestamp));
            writer.WriteString("approximateArrivalOfLastRecord"u8, Iso(records[^1].ApproximateArrivalTimestamp));
            writer.WriteNumber("batchSize"u8, records.Length);
            writer.WriteString("streamArn"u8, streamArn);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The example's timestamps: <c>2019-11-14T00:38:04.835Z</c>.</summary>
    private static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
