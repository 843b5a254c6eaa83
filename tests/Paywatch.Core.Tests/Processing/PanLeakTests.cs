using System.Text;
using CsCheck;
using Paywatch.Aws.Emf;

namespace Paywatch.Core.Tests.Processing;

/// <summary>A card number placed anywhere in a record never leaves the processor unmasked.</summary>
public sealed class PanLeakTests
{
    // Luhn-valid test PANs of several brands and lengths.
    private static readonly string[] Pans =
        ["4111111111111111", "5500005555555559", "378282246310005", "6011000990139424", "4222222222222", "3530111333300000"];

    private static readonly string[] StringFields =
        ["transaction_id", "merchant_id", "card_id", "account_id", "type", "currency", "merchant_country", "timestamp"];

    [Fact]
    public void A_pan_in_any_string_field_or_the_partition_key_is_masked_in_logs_events_and_metrics() =>
        Gen.Select(Gen.OneOf(Pans), Gen.OneOf(StringFields), Gen.OneOf("", "card:", "x "), Gen.Bool)
            .Sample(sample =>
            {
                var (pan, field, prefix, inPartitionKey) = sample;
                var json = $$"""{"transaction_id":"t-1","amount":42,"type":"PURCHASE","merchant_id":"m-1","merchant_country":"US","{{field}}":"{{prefix}}{{pan}}"}""";
                json = json.Replace($"\"{field}\":\"t-1\",", "", StringComparison.Ordinal)
                    .Replace($"\"{field}\":\"m-1\",", "", StringComparison.Ordinal)
                    .Replace($"\"{field}\":\"PURCHASE\",", "", StringComparison.Ordinal)
                    .Replace($"\"{field}\":\"US\",", "", StringComparison.Ordinal);
                using var harness = new HandlerHarness();
                var metrics = new MemoryStream();
                var kinesisEvent = HandlerHarness.Event([Encoding.UTF8.GetBytes(json)], partitionKey: inPartitionKey ? pan : "pk");

                harness.Handle(kinesisEvent);
                foreach (var batch in harness.Metrics.Batches)
                {
                    var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                    EmfDocumentWriter.Write(buffer, batch.Namespace, batch.Timestamp, batch.Sets);
                    metrics.Write(buffer.WrittenSpan);
                }

                var everything = harness.Logs.Text + string.Concat(harness.Publisher.Published.Select(p => p.Detail))
                    + Encoding.UTF8.GetString(metrics.ToArray());
                Assert.DoesNotContain(pan, everything, StringComparison.Ordinal);
                if (field is not ("type" or "currency" or "merchant_country" or "timestamp"))
                {
                    Assert.Contains(pan[..6], everything, StringComparison.Ordinal);
                    Assert.Contains("\"pan_masked\":true", harness.Logs.Text, StringComparison.Ordinal);
                }
            }, iter: 200);
}
