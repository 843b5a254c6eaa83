using System.Text.Json;
using System.Text.Json.Serialization;

namespace Paywatch.Cost.Prices;

/// <summary>
/// A Region's prices, free tiers and quotas, as <c>config/prices/REGION.json</c> has them (built into this library too), versioned
/// by the date they were read.
/// </summary>
public sealed record PriceTable(
    string Region,
    string Version,
    string Currency,
    string? Note,
    IReadOnlyList<Price> Prices,
    IReadOnlyList<FreeTier> FreeTiers,
    IReadOnlyList<ServiceQuota> Quotas)
{
    /// <summary>The Regions whose tables are built in.</summary>
    public static IReadOnlyList<string> BuiltInRegions { get; } =
        [.. typeof(PriceTable).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("prices/", StringComparison.Ordinal))
            .Select(n => n["prices/".Length..^".json".Length])
            .Order(StringComparer.Ordinal)];

    /// <summary>The price of an id.</summary>
    /// <exception cref="KeyNotFoundException">The table has no such price.</exception>
    public Price this[string id] => Prices.FirstOrDefault(p => p.Id == id)
        ?? throw new KeyNotFoundException($"The {Region} price table has no price '{id}'.");

    /// <summary>A quota's value.</summary>
    /// <exception cref="KeyNotFoundException">The table has no such quota.</exception>
    public double Quota(string id) => (Quotas.FirstOrDefault(q => q.Id == id)
        ?? throw new KeyNotFoundException($"The {Region} price table has no quota '{id}'.")).Value;

    /// <summary>The built-in table of a Region.</summary>
    /// <exception cref="ArgumentException">No table is built in for it; the message lists those that are.</exception>
    public static PriceTable BuiltIn(string region)
    {
        using var stream = typeof(PriceTable).Assembly.GetManifestResourceStream($"prices/{region}.json")
            ?? throw new ArgumentException($"No price table for Region '{region}'; built in: {string.Join(", ", BuiltInRegions)}.", nameof(region));
        return Read(stream);
    }

    /// <summary>Reads a table in config/prices's format.</summary>
    /// <exception cref="JsonException">The JSON is not a price table.</exception>
    public static PriceTable Read(Stream json) =>
        JsonSerializer.Deserialize(json, PriceTableJson.Default.PriceTable) ?? throw new JsonException("The price table is null.");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PriceTable))]
internal sealed partial class PriceTableJson : JsonSerializerContext;
