namespace Paywatch.Monitoring.Metrics;

/// <summary>
/// A CloudWatch statistic: <c>SampleCount</c>, <c>Sum</c>, <c>Average</c>, <c>Minimum</c>, <c>Maximum</c>, or a
/// percentile <c>pNN</c> / <c>pNN.NN</c> (an "extended statistic").
/// </summary>
public readonly record struct Statistic
{
    private Statistic(string name, double? percentile)
    {
        Name = name;
        Percentile = percentile;
    }

    public string Name { get; }

    /// <summary>For a percentile, the quantile in 0–1; null otherwise.</summary>
    public double? Percentile { get; }

    public static Statistic SampleCount { get; } = new("SampleCount", null);

    public static Statistic Sum { get; } = new("Sum", null);

    public static Statistic Average { get; } = new("Average", null);

    public static Statistic Minimum { get; } = new("Minimum", null);

    public static Statistic Maximum { get; } = new("Maximum", null);

    /// <exception cref="FormatException">Not a statistic CloudWatch knows.</exception>
    public static Statistic Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        switch (text)
        {
            case "SampleCount": return SampleCount;
            case "Sum": return Sum;
            case "Average": return Average;
            case "Minimum": return Minimum;
            case "Maximum": return Maximum;
        }

        // Percentiles: p0 to p100 with up to two decimals (CloudWatch "Statistics" page).
        if (text.Length > 1 && text[0] == 'p'
            && double.TryParse(text.AsSpan(1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p)
            && p is >= 0 and <= 100 && Math.Round(p, 2) == p)
        {
            return new Statistic(text, p / 100);
        }

        throw new FormatException($"'{text}' is not a statistic: use SampleCount, Sum, Average, Minimum, Maximum or pNN (p0-p100, up to two decimals).");
    }

    public override string ToString() => Name;
}
