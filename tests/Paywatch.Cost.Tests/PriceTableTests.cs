using System.Globalization;
using Paywatch.Cost.Prices;

namespace Paywatch.Cost.Tests;

/// <summary>The price tables' shape, tied to their sources: every price has a unit, a positive figure, an AWS page and a date.</summary>
public sealed class PriceTableTests
{
    public static TheoryData<string> Regions => new() { "us-east-1", "eu-west-1" };

    private static PriceTable FromRepository(string region)
    {
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "config", "prices", region + ".json"));
        return PriceTable.Read(file);
    }

    [Theory]
    [MemberData(nameof(Regions))]
    public void Every_price_has_a_unit_a_positive_figure_an_aws_page_and_the_date_it_was_read(string region)
    {
        var table = FromRepository(region);

        Assert.Equal(region, table.Region);
        Assert.NotEmpty(table.Prices);
        foreach (var price in table.Prices)
        {
            Assert.False(string.IsNullOrWhiteSpace(price.Unit), price.Id);
            Assert.False(string.IsNullOrWhiteSpace(price.Service), price.Id);
            Assert.True(price.Usd > 0, price.Id);
            Assert.True(price.Per >= 1, price.Id);
            Assert.StartsWith("https://aws.amazon.com/", price.Source, StringComparison.Ordinal);
            Assert.True(DateOnly.TryParseExact(price.Read, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), price.Id);
            Assert.Contains(price.Basis, new[] { "stored-copy", "recalled" });
            if (price.Tiers is { Count: > 0 } tiers)
            {
                Assert.Equal(price.Usd, tiers[0].Usd);
                Assert.Null(tiers[^1].UpTo);
                Assert.True(tiers.SkipLast(1).Select(t => t.UpTo!.Value).Order().SequenceEqual(tiers.SkipLast(1).Select(t => t.UpTo!.Value)), price.Id);
                Assert.All(tiers, t => Assert.True(t.Usd > 0, price.Id));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Regions))]
    public void Free_tiers_and_quotas_name_their_price_and_page(string region)
    {
        var table = FromRepository(region);

        Assert.All(table.FreeTiers, free =>
        {
            Assert.Contains(table.Prices, p => p.Id == free.Price);
            Assert.True(free.Quantity > 0, free.Price);
            Assert.StartsWith("https://aws.amazon.com/", free.Source, StringComparison.Ordinal);
        });
        Assert.All(table.Quotas, quota =>
        {
            Assert.True(quota.Value > 0, quota.Id);
            Assert.StartsWith("https://docs.aws.amazon.com/", quota.Source, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Both_regions_price_the_same_lines_and_quotas()
    {
        var us = FromRepository("us-east-1");
        var eu = FromRepository("eu-west-1");

        Assert.Equal(us.Prices.Select(p => p.Id), eu.Prices.Select(p => p.Id));
        Assert.Equal(us.Prices.Select(p => p.Unit), eu.Prices.Select(p => p.Unit));
        Assert.Equal(us.Quotas.Select(q => q.Id), eu.Quotas.Select(q => q.Id));
        Assert.Equal(us.FreeTiers.Select(f => f.Price), eu.FreeTiers.Select(f => f.Price));
    }

    [Theory]
    [MemberData(nameof(Regions))]
    public void The_built_in_table_is_the_repository_s(string region) =>
        Assert.Equal(
            FromRepository(region).Prices.Select(p => (p.Id, p.Usd, p.Per)),
            PriceTable.BuiltIn(region).Prices.Select(p => (p.Id, p.Usd, p.Per)));

    [Fact]
    public void Every_usage_quantity_has_a_price()
    {
        var table = PriceTable.BuiltIn("us-east-1");

        // With private networking on, so that the endpoint lines are among the quantities (PrivateNetworkingCostTests).
        Assert.Equal(new Usage { VpcEndpointHours = 1 }.Quantities().Select(q => q.PriceId).Order(), table.Prices.Select(p => p.Id).Order());
    }

    [Fact]
    public void An_unknown_region_is_refused_with_the_known_ones() =>
        Assert.Contains("us-east-1", Assert.Throws<ArgumentException>(() => PriceTable.BuiltIn("mars-north-1")).Message, StringComparison.Ordinal);
}
