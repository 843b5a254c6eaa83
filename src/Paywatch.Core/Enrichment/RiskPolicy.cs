using Paywatch.Core.Transactions;

namespace Paywatch.Core.Enrichment;

/// <summary>
/// The tunable part of risk scoring and of the routing thresholds derived from it. The defaults match the
/// spec: high value above 10,000, velocity above 20 per window, fraud above a risk score of 80.
/// </summary>
public sealed record RiskPolicy
{
    private static readonly string[] DefaultStandardCountries = ["US", "CA", "GB", "IE", "DE", "FR", "NL", "ES", "IT", "AU"];

    private readonly IReadOnlyList<string> _standardCountries = DefaultStandardCountries;
    private readonly bool[] _standardTable = CountryTable(DefaultStandardCountries);

    /// <summary>
    /// Countries where the platform normally operates (ISO 3166-1 alpha-2); a merchant elsewhere raises the
    /// score. An unknown code is refused here, at configuration time, rather than silently never matching.
    /// </summary>
    public IReadOnlyList<string> StandardCountries
    {
        get => _standardCountries;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _standardTable = CountryTable(value);
            _standardCountries = [.. value];
        }
    }

    /// <summary>Amounts strictly above this are high value (spec: "Amount > $10,000").</summary>
    public decimal HighValueThreshold { get; init; } = 10_000m;

    /// <summary>Amounts strictly above this, but not high value, are elevated.</summary>
    public decimal ElevatedAmountThreshold { get; init; } = 5_000m;

    /// <summary>Window counts strictly above this exceed velocity (spec: "Transaction count > 20").</summary>
    public int VelocityThreshold { get; init; } = 20;

    /// <summary>Window counts strictly above this, but within the velocity threshold, are elevated.</summary>
    public int ElevatedVelocityThreshold { get; init; } = 10;

    /// <summary>Scores strictly above this from a non-standard country are suspected fraud (spec: "Risk score > 80").</summary>
    public int FraudScoreThreshold { get; init; } = 80;

    public bool IsStandardCountry(ReadOnlySpan<byte> country) =>
        country.Length == 2 && IsoCodes.TryIndex(country, out var index) && _standardTable[index];

    private static bool[] CountryTable(IEnumerable<string> countries)
    {
        var table = new bool[26 * 26];
        foreach (var country in countries)
        {
            var code = Encoding.ASCII.GetBytes(country);
            if (!IsoCodes.IsCountry(code) || !IsoCodes.TryIndex(code, out var index))
            {
                throw new ArgumentException(
                    $"'{country}' is not an ISO 3166-1 alpha-2 country code (two upper-case letters, e.g. US).",
                    nameof(countries));
            }

            table[index] = true;
        }

        return table;
    }
}
