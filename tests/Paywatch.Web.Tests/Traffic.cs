namespace Paywatch.Web.Tests;

/// <summary>
/// Known traffic: what each record is, so that a test's expectations come from the input, and card numbers (Luhn-valid
/// test PANs, plain, spaced and hyphenated, in a field and in partition keys) that no response may carry.
/// </summary>
internal static class Traffic
{
    public static readonly string[] Pans = ["4111111111111111", "5500 0055 5555 5559", "3782-822463-10005", "6011111111111117"];

    /// <summary>Approved PURCHASEs under 10,000 (no rule matches them).</summary>
    public static (string Key, string Json) Purchase(int i) =>
        (Pans[i % Pans.Length], $$"""{"transaction_id":"txn-p{{i}}","amount":42.5,"currency":"EUR","type":"PURCHASE","merchant_id":"m-1","merchant_country":"DE","card_id":"card_{{i}}","note":"paid with {{Pans[i % Pans.Length]}}"}""");

    /// <summary>A TRANSFER over 10,000: routed by paywatch-high-value.</summary>
    public static (string Key, string Json) HighValue(int i) =>
        ($"card-h{i}", $$"""{"transaction_id":"txn-h{{i}}","amount":15000,"currency":"USD","type":"TRANSFER","merchant_id":"m-2","merchant_country":"US","card_id":"{{Pans[0]}}"}""");

    /// <summary>Missing merchant and a negative amount: FAILED, routed by paywatch-failed.</summary>
    public static (string Key, string Json) Invalid(int i) =>
        ($"card-f{i}", $$"""{"transaction_id":"txn-f{{i}}","amount":-100,"type":"PURCHASE","card_number":"{{Pans[1]}}"}""");

    /// <summary>Five purchases, two high-value transfers, two invalid records: 9 records.</summary>
    public static IReadOnlyList<(string Key, string Json)> Mixed() =>
        [.. Enumerable.Range(0, 5).Select(Purchase), .. Enumerable.Range(0, 2).Select(HighValue), .. Enumerable.Range(0, 2).Select(Invalid)];

    /// <summary>
    /// Card numbers as the masker defines them (docs/transactions.md, "Card numbers"): runs of 13–19 digits,
    /// optionally grouped by single spaces or hyphens, passing the Luhn check. A run glued to a letter or a decimal
    /// point (hex ids, fractions) is not one, nor a run starting with 1 (a millisecond timestamp of this century).
    /// </summary>
    public static IEnumerable<string> CardNumbersIn(string text) =>
        System.Text.RegularExpressions.Regex.Matches(text, @"(?<![\w.\-])\d(?:[ -]?\d)*(?![\w.])")
            .Select(m => new string([.. m.Value.Where(char.IsAsciiDigit)]))
            .Where(digits => digits.Length is >= 13 and <= 19 && digits[0] != '1' && Luhn(digits));

    private static bool Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }

            sum += d;
        }

        return sum % 10 == 0;
    }
}
