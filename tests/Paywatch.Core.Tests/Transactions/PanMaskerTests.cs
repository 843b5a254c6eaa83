using System.Text;
using Paywatch.Core.Transactions;

namespace Paywatch.Core.Tests.Transactions;

public sealed class PanMaskerTests
{
    private static string Mask(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        PanMasker.MaskInPlace(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    [Theory]
    [InlineData("4111111111111111", "411111******1111")] // Visa test PAN, 16 digits
    [InlineData("5500005555555559", "550000******5559")] // Mastercard test PAN
    [InlineData("378282246310005", "378282*****0005")] // Amex, 15 digits
    [InlineData("4222222222222", "422222***2222")] // Visa, 13 digits
    [InlineData("6011000990139424", "601100******9424")] // Discover
    [InlineData("4111 1111 1111 1111", "4111 11** **** 1111")]
    [InlineData("4111-1111-1111-1111", "4111-11**-****-1111")]
    [InlineData("card:4111111111111111;exp", "card:411111******1111;exp")]
    public void Luhn_valid_card_numbers_keep_only_first_six_and_last_four(string text, string expected) =>
        Assert.Equal(expected, Mask(text));

    [Theory]
    [InlineData("4111111111111112")] // fails Luhn
    [InlineData("123456789012")] // 12 digits: too short for a PAN
    [InlineData("txn-20261126-0001")]
    [InlineData("4111 1111  1111 1111")] // a double space ends the run: two short runs
    public void Other_digit_runs_are_left_alone(string text) => Assert.Equal(text, Mask(text));

    [Fact]
    public void Runs_longer_than_nineteen_digits_are_masked_whole_since_they_can_hide_a_pan()
    {
        Assert.Equal("941111***********1110", Mask("941111111111111111110"));
    }

    [Fact]
    public void Masking_twice_changes_nothing_more()
    {
        var once = Mask("4111111111111111 and 5500005555555559");

        Assert.Equal(once, Mask(once));
        Assert.Equal(0, PanMasker.MaskInPlace(Encoding.UTF8.GetBytes(once)));
    }
}
