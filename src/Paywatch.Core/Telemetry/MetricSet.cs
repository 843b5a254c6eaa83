namespace Paywatch.Core.Telemetry;

/// <summary>
/// Metrics of one batch that share dimension values, published under each of <see cref="DimensionSets"/>:
/// EMF's model, where one document's values count towards every dimension set its directive lists (so a
/// per-type figure and the environment-wide total come from the same values).
/// </summary>
/// <param name="DimensionValues">Every dimension's value, e.g. Environment=prod, TransactionType=PURCHASE.</param>
/// <param name="DimensionSets">The combinations to aggregate by, each a list of names from <paramref name="DimensionValues"/>.</param>
/// <param name="Metrics">The metrics and their values.</param>
public sealed record MetricSet(
    IReadOnlyList<KeyValuePair<string, string>> DimensionValues,
    IReadOnlyList<IReadOnlyList<string>> DimensionSets,
    IReadOnlyList<MetricValues> Metrics);

/// <summary>A metric's values for one batch: a counter's single total, or every observation of a distribution.</summary>
public sealed record MetricValues(string Name, MetricUnit Unit, IReadOnlyList<double> Values);
