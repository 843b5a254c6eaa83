using System.Text;
using Paywatch.Core.Transactions;

namespace Paywatch.Core.Tests.Transactions;

public sealed class TransactionReaderTests
{
    private const string Valid =
        """{"transaction_id":"t-1","amount":12.5,"type":"PURCHASE","merchant_id":"m-1","merchant_country":"GB","currency":"GBP","card_id":"card_1","timestamp":"2026-11-26T06:22:04Z"}""";

    private static Transaction Read(string json) => Read(Encoding.UTF8.GetBytes(json));

    private static Transaction Read(byte[] bytes)
    {
        var transaction = new Transaction();
        TransactionReader.Read(bytes, transaction);
        TransactionValidator.Validate(transaction);
        return transaction;
    }

    private static string With(string field, string jsonValue) =>
        Valid.Replace(
            System.Text.RegularExpressions.Regex.Match(Valid, $"\"{field}\":(\"[^\"]*\"|[^,}}]+)").Value,
            $"\"{field}\":{jsonValue}",
            StringComparison.Ordinal);

    [Fact]
    public void Complete_transaction_is_approved_with_every_field_read()
    {
        var t = Read(Valid);

        Assert.Equal(TransactionStatus.Approved, t.Status);
        Assert.Empty(t.Errors);
        Assert.Equal(12.5m, t.Amount);
        Assert.Equal(TransactionType.Purchase, t.Type);
        Assert.Equal("GB", Encoding.UTF8.GetString(t.Text(TransactionField.MerchantCountry)));
        Assert.Equal("card_1", Encoding.UTF8.GetString(t.EntityKey));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 6, 22, 4, TimeSpan.Zero), t.Timestamp);
    }

    [Theory]
    [InlineData("amount", "-1", "AMOUNT_NOT_POSITIVE")]
    [InlineData("amount", "0", "AMOUNT_NOT_POSITIVE")]
    [InlineData("amount", "0.0", "AMOUNT_NOT_POSITIVE")]
    [InlineData("amount", "1e30", "AMOUNT_OUT_OF_RANGE")]
    [InlineData("amount", "2000000000", "AMOUNT_OUT_OF_RANGE")]
    [InlineData("amount", "\"12.50\"", "INVALID_FIELD_TYPE")]
    [InlineData("amount", "null", "INVALID_FIELD_TYPE")]
    [InlineData("type", "\"purchase\"", "UNKNOWN_TYPE")]
    [InlineData("type", "\"TELEPORT\"", "UNKNOWN_TYPE")]
    [InlineData("type", "7", "INVALID_FIELD_TYPE")]
    [InlineData("merchant_country", "\"XX\"", "INVALID_COUNTRY")]
    [InlineData("merchant_country", "\"gb\"", "INVALID_COUNTRY")]
    [InlineData("merchant_country", "\"GBR\"", "INVALID_COUNTRY")]
    [InlineData("currency", "\"ABC\"", "INVALID_CURRENCY")]
    [InlineData("currency", "\"usd\"", "INVALID_CURRENCY")]
    [InlineData("timestamp", "\"yesterday\"", "INVALID_TIMESTAMP")]
    [InlineData("timestamp", "\"2026-11-26T06:22:04\"", "INVALID_TIMESTAMP")]
    [InlineData("timestamp", "\"2026-13-26T06:22:04Z\"", "INVALID_TIMESTAMP")]
    [InlineData("timestamp", "1764138124", "INVALID_FIELD_TYPE")]
    [InlineData("merchant_id", "\"\"", "MISSING_FIELD")]
    [InlineData("transaction_id", "{\"nested\":1}", "INVALID_FIELD_TYPE")]
    public void Invalid_business_data_is_failed_with_a_stable_code(string field, string value, string code)
    {
        var t = Read(With(field, value));

        Assert.Equal(TransactionStatus.Failed, t.Status);
        var error = Assert.Single(t.Errors);
        Assert.Equal(code, error.Code.ToWireName());
    }

    [Theory]
    [InlineData("""{"transaction_id":"t","amount":1,"type":"PURCHASE","merchant_id":"m","merchant_country":"US","risk_score":101}""", "INVALID_RISK_SCORE")]
    [InlineData("""{"transaction_id":"t","amount":1,"type":"PURCHASE","merchant_id":"m","merchant_country":"US","risk_score":-1}""", "INVALID_RISK_SCORE")]
    [InlineData("""{"transaction_id":"t","amount":1,"type":"PURCHASE","merchant_id":"m","merchant_country":"US","risk_score":50.5}""", "INVALID_RISK_SCORE")]
    [InlineData("""{"transaction_id":"t","amount":1,"type":"PURCHASE","merchant_id":"m","merchant_country":"US","transaction_count":-3}""", "INVALID_TRANSACTION_COUNT")]
    [InlineData("""{"transaction_id":"t","amount":1,"amount":2,"type":"PURCHASE","merchant_id":"m","merchant_country":"US"}""", "DUPLICATE_FIELD")]
    [InlineData("""{"transaction_id":"t","amount":1,"type":"PURCHASE","merchant_country":"US"}""", "MISSING_FIELD")]
    public void Optional_and_structural_field_errors_are_failed(string json, string code)
    {
        var t = Read(json);

        Assert.Equal(TransactionStatus.Failed, t.Status);
        Assert.Equal(code, Assert.Single(t.Errors).Code.ToWireName());
    }

    [Theory]
    [InlineData("", "MALFORMED_JSON")]
    [InlineData("{", "MALFORMED_JSON")]
    [InlineData("{\"transaction_id\":\"t\",", "MALFORMED_JSON")]
    [InlineData("{} {}", "MALFORMED_JSON")]
    [InlineData("{\"a\":1}garbage", "MALFORMED_JSON")]
    [InlineData("[1,2,3]", "NOT_AN_OBJECT")]
    [InlineData("\"just a string\"", "NOT_AN_OBJECT")]
    [InlineData("42", "NOT_AN_OBJECT")]
    [InlineData("null", "NOT_AN_OBJECT")]
    public void Unreadable_records_are_errors_not_failures(string json, string code)
    {
        var t = Read(json);

        Assert.Equal(TransactionStatus.Error, t.Status);
        Assert.Equal(code, Assert.Single(t.Errors).Code.ToWireName());
    }

    [Fact]
    public void Invalid_utf8_is_an_error()
    {
        var bytes = Encoding.UTF8.GetBytes(Valid);
        bytes[20] = 0xC3; // a lead byte followed by an ASCII byte: not UTF-8
        bytes[21] = (byte)'a';

        var t = Read(bytes);

        Assert.Equal(TransactionStatus.Error, t.Status);
        Assert.Equal(ValidationErrorCode.InvalidUtf8, Assert.Single(t.Errors).Code);
    }

    [Fact]
    public void Record_over_the_size_limit_is_an_error_without_being_parsed()
    {
        var padded = Valid[..^1] + ",\"padding\":\"" + new string('x', TransactionReader.DefaultMaxRecordBytes) + "\"}";

        var t = Read(padded);

        Assert.Equal(ValidationErrorCode.RecordTooLarge, Assert.Single(t.Errors).Code);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_malformed_not_a_crash()
    {
        var deep = "{\"x\":" + new string('[', 5000) + new string(']', 5000) + "}";

        Assert.Equal(ValidationErrorCode.MalformedJson, Assert.Single(Read(deep).Errors).Code);
    }

    [Fact]
    public void Escaped_names_and_values_are_unescaped()
    {
        var t = Read("""{"transaction_\u0069d":"t\u002d1","amount":1,"type":"PUR\u0043HASE","merchant_id":"caf\u00e9","merchant_country":"US"}""");

        Assert.Equal(TransactionStatus.Approved, t.Status);
        Assert.Equal("t-1", Encoding.UTF8.GetString(t.Text(TransactionField.TransactionId)));
        Assert.Equal("café", Encoding.UTF8.GetString(t.Text(TransactionField.MerchantId)));
    }

    [Theory]
    [InlineData("""{"transaction_id":"t\ud800","amount":1,"type":"PURCHASE","merchant_id":"m","merchant_country":"US"}""")]
    [InlineData("""{"transaction_id":"\udc00x","amount":1,"type":"PURCHASE","merchant_id":"m","merchant_country":"US"}""")]
    [InlineData("""{"transaction_\ud800id":"t","amount":1,"type":"PURCHASE","merchant_id":"m","merchant_country":"US"}""")]
    public void Escaped_lone_surrogates_are_unreadable_not_a_crash(string json)
    {
        var t = Read(json);

        Assert.Equal(TransactionStatus.Error, t.Status);
        Assert.Equal(ValidationErrorCode.InvalidUtf8, Assert.Single(t.Errors).Code);
    }

    [Fact]
    public void Identifier_longer_than_128_bytes_is_failed()
    {
        var t = Read(With("merchant_id", "\"" + new string('m', 129) + "\""));

        Assert.Equal(ValidationErrorCode.FieldTooLong, Assert.Single(t.Errors).Code);
        Assert.Equal(TransactionField.MerchantId, t.Errors[0].Field);
    }

    [Fact]
    public void Unknown_fields_are_ignored()
    {
        var t = Read(Valid[..^1] + ",\"extra\":{\"deep\":[1,2,{\"x\":null}]},\"note\":\"hello\"}");

        Assert.Equal(TransactionStatus.Approved, t.Status);
    }

    [Fact]
    public void Reading_a_second_record_forgets_the_first()
    {
        var t = new Transaction();
        TransactionReader.Read(Encoding.UTF8.GetBytes(Valid), t);
        TransactionReader.Read("""{"transaction_id":"t-2"}"""u8, t);
        TransactionValidator.Validate(t);

        Assert.Null(t.Amount);
        Assert.False(t.HasText(TransactionField.CardId));
        Assert.Equal(4, t.Errors.Count); // amount, type, merchant_id, merchant_country missing
    }
}
