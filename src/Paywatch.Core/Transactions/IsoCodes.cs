namespace Paywatch.Core.Transactions;

/// <summary>
/// ISO 3166-1 alpha-2 country codes and ISO 4217 currency codes, looked up from UTF-8 without allocating.
/// </summary>
/// <remarks>
/// Countries: the 249 officially assigned alpha-2 codes. Currencies: the active codes of ISO 4217 list one as
/// amended to 2026 (XCG replaced ANG in 2025; Bulgaria moved to EUR on 2026-01-01), without precious metals
/// (XAU, XAG, XPT, XPD), the bond-market units (XBA..XBD), SDR (XDR), XSU, XUA, and the testing/no-currency
/// codes XTS and XXX, none of which is a card-payment currency.
/// </remarks>
public static class IsoCodes
{
    private const string Countries =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY " +
        "BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK " +
        "FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR " +
        "IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK " +
        "ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM " +
        "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF " +
        "TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

    private const string Currencies =
        "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE " +
        "CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF " +
        "GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR " +
        "LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN " +
        "PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS " +
        "TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR " +
        "ZMW ZWG";

    // One bit per possible code: 26*26 countries, 26*26*26 currencies.
    private static readonly bool[] CountryTable = BuildTable(Countries, 2);
    private static readonly bool[] CurrencyTable = BuildTable(Currencies, 3);

    public static IReadOnlyList<string> CountryCodes { get; } = Countries.Split(' ');

    /// <summary>An assigned ISO 3166-1 alpha-2 code, upper case (the contract is case-sensitive).</summary>
    public static bool IsCountry(ReadOnlySpan<byte> utf8) =>
        utf8.Length == 2 && TryIndex(utf8, out var index) && CountryTable[index];

    /// <summary>An active ISO 4217 alphabetic code, upper case.</summary>
    public static bool IsCurrency(ReadOnlySpan<byte> utf8) =>
        utf8.Length == 3 && TryIndex(utf8, out var index) && CurrencyTable[index];

    /// <summary>
    /// The position of an upper-case two- or three-letter code in a 26² or 26³ table: the one key every
    /// country or currency lookup in the processor uses.
    /// </summary>
    internal static bool TryIndex(ReadOnlySpan<byte> letters, out int index)
    {
        index = 0;
        foreach (var letter in letters)
        {
            if (letter is < (byte)'A' or > (byte)'Z')
            {
                return false;
            }

            index = (index * 26) + (letter - 'A');
        }

        return true;
    }

    private static bool[] BuildTable(string codes, int length)
    {
        var table = new bool[length == 2 ? 26 * 26 : 26 * 26 * 26];
        foreach (var code in codes.Split(' '))
        {
            _ = TryIndex(Encoding.ASCII.GetBytes(code), out var index);
            table[index] = true;
        }

        return table;
    }
}
