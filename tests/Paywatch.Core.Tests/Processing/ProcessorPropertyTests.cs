using System.Text;
using System.Text.Json;
using CsCheck;

namespace Paywatch.Core.Tests.Processing;

/// <summary>
/// Whatever the bytes, the processor never throws, and each input record comes out exactly once, in order, as
/// APPROVED, FAILED or ERROR.
/// </summary>
public sealed class ProcessorPropertyTests
{
    private const string Valid =
        """{"transaction_id":"t-1","amount":12.5,"type":"PURCHASE","merchant_id":"m-1","merchant_country":"GB","currency":"GBP","card_id":"card_1","timestamp":"2026-11-26T06:22:04Z","risk_score":10,"transaction_count":2}""";

    private static readonly Gen<string> JsonScalar = Gen.OneOf(
        Gen.Const("null"), Gen.Const("true"), Gen.Const("false"),
        Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.String.Select(s => JsonSerializer.Serialize(s)),
        Gen.OneOf("\"PURCHASE\"", "\"US\"", "\"4111111111111111\"", "\"\"", "-100", "0", "1e400", "\"2026-11-26T06:22:04Z\"",
            "\"\\ud800\"", "\"x\\udc00\"", "\"\\u0000\\n\\\"\""));

    private static readonly Gen<string> FieldName = Gen.OneOf(
        Gen.OneOf("transaction_id", "amount", "type", "merchant_id", "merchant_country", "currency", "card_id",
            "account_id", "timestamp", "risk_score", "transaction_count"),
        Gen.String[1, 12]);

    private static readonly Gen<string> JsonValue = Gen.Recursive<string>((depth, self) => depth >= 3
        ? JsonScalar
        : Gen.Frequency(
            (4, JsonScalar),
            (1, self.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (2, Gen.Select(FieldName, self).Array[0, 8]
                .Select(pairs => "{" + string.Join(",", pairs.Select(p => JsonSerializer.Serialize(p.Item1) + ":" + p.Item2)) + "}"))));

    private static readonly Gen<byte[]> Mutation = Gen.Int[0, Valid.Length - 1].Array[1, 4].SelectMany(positions =>
        Gen.Byte.Array[positions.Length].Select(bytes =>
        {
            var data = Encoding.UTF8.GetBytes(Valid);
            for (var i = 0; i < positions.Length; i++)
            {
                data[positions[i]] = bytes[i];
            }

            return data;
        }));

    private static readonly Gen<byte[]> Truncation = Gen.Int[0, Valid.Length].Select(n => Encoding.UTF8.GetBytes(Valid)[..n]);

    [Fact]
    public void Arbitrary_bytes_never_throw_and_each_record_has_one_outcome() =>
        Gen.Byte.Array[0, 300].Array[1, 20].Sample(AssertEachRecordHasOneOutcome, iter: 300);

    [Fact]
    public void Arbitrary_json_never_throws_and_each_record_has_one_outcome() =>
        JsonValue.Select(Encoding.UTF8.GetBytes).Array[1, 20].Sample(AssertEachRecordHasOneOutcome, iter: 300);

    [Fact]
    public void Mutated_valid_transactions_never_throw_and_each_record_has_one_outcome() =>
        Gen.OneOf(Mutation, Truncation).Array[1, 20].Sample(AssertEachRecordHasOneOutcome, iter: 500);

    private static void AssertEachRecordHasOneOutcome(byte[][] records)
    {
        using var harness = new HandlerHarness();
        var kinesisEvent = HandlerHarness.Event(records);

        var response = harness.Handle(kinesisEvent);

        Assert.Empty(response.BatchItemFailures);
        var outcomes = harness.Outcomes();
        Assert.Equal(
            kinesisEvent.Records.Select(r => r.SequenceNumberText),
            outcomes.Select(o => o.GetProperty("sequence_number").GetString()));
        Assert.All(outcomes, o => Assert.Contains(o.GetProperty("status").GetString(), new[] { "APPROVED", "FAILED", "ERROR" }));
        Assert.Equal(records.Length, harness.Publisher.Published.Count);
    }
}
