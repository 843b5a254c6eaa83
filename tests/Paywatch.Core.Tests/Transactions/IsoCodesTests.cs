using System.Text;
using Paywatch.Core.Transactions;

namespace Paywatch.Core.Tests.Transactions;

public sealed class IsoCodesTests
{
    [Fact]
    public void All_249_officially_assigned_alpha_2_codes_are_countries()
    {
        // ISO 3166-1 has 249 officially assigned alpha-2 codes.
        Assert.Equal(249, IsoCodes.CountryCodes.Distinct().Count());
        Assert.All(IsoCodes.CountryCodes, c => Assert.True(IsoCodes.IsCountry(Encoding.ASCII.GetBytes(c))));
    }

    [Theory]
    [InlineData("US", true)]
    [InlineData("GB", true)]
    [InlineData("AX", true)]
    [InlineData("UK", false)] // exceptionally reserved, not assigned
    [InlineData("EU", false)]
    [InlineData("XK", false)] // user-assigned (Kosovo), not in the standard
    [InlineData("us", false)]
    [InlineData("U", false)]
    [InlineData("USA", false)]
    public void Country_codes_are_exact(string code, bool valid) =>
        Assert.Equal(valid, IsoCodes.IsCountry(Encoding.UTF8.GetBytes(code)));

    [Theory]
    [InlineData("USD", true)]
    [InlineData("EUR", true)]
    [InlineData("JPY", true)]
    [InlineData("XCG", true)]
    [InlineData("ANG", false)] // withdrawn 2025, replaced by XCG
    [InlineData("HRK", false)] // withdrawn 2023, Croatia uses EUR
    [InlineData("XAU", false)] // gold: not a payment currency
    [InlineData("XXX", false)]
    [InlineData("usd", false)]
    [InlineData("US", false)]
    public void Currency_codes_are_active_iso_4217(string code, bool valid) =>
        Assert.Equal(valid, IsoCodes.IsCurrency(Encoding.UTF8.GetBytes(code)));
}
