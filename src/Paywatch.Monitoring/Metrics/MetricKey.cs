namespace Paywatch.Monitoring.Metrics;

/// <summary>
/// One CloudWatch metric: namespace, name and dimensions. Dimensions are kept sorted by name, so the same set
/// given in any order is the same metric, as in CloudWatch.
/// </summary>
public sealed class MetricKey : IEquatable<MetricKey>
{
    private readonly int _hash;

    public MetricKey(string metricNamespace, string metricName, IEnumerable<KeyValuePair<string, string>>? dimensions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(metricNamespace);
        ArgumentException.ThrowIfNullOrEmpty(metricName);
        Namespace = metricNamespace;
        Name = metricName;
        Dimensions = [.. (dimensions ?? []).OrderBy(d => d.Key, StringComparer.Ordinal)];
        var hash = new HashCode();
        hash.Add(Namespace, StringComparer.Ordinal);
        hash.Add(Name, StringComparer.Ordinal);
        foreach (var (name, value) in Dimensions)
        {
            hash.Add(name, StringComparer.Ordinal);
            hash.Add(value, StringComparer.Ordinal);
        }

        _hash = hash.ToHashCode();
    }

    public string Namespace { get; }

    public string Name { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Dimensions { get; }

    public bool Equals(MetricKey? other) =>
        other is not null && _hash == other._hash && Namespace == other.Namespace && Name == other.Name
        && SameDimensions(Dimensions, other.Dimensions);

    public override bool Equals(object? obj) => Equals(obj as MetricKey);

    public override int GetHashCode() => _hash;

    // Compared pair by pair: KeyValuePair has no equality of its own, and the default one compares fields by
    // reflection (it cost more than the rest of a metric store put).
    private static bool SameDimensions(IReadOnlyList<KeyValuePair<string, string>> left, IReadOnlyList<KeyValuePair<string, string>> right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        for (var i = 0; i < left.Count; i++)
        {
            if (!string.Equals(left[i].Key, right[i].Key, StringComparison.Ordinal) || !string.Equals(left[i].Value, right[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() =>
        $"{Namespace}/{Name}" + (Dimensions.Count == 0 ? "" : "{" + string.Join(",", Dimensions.Select(d => $"{d.Key}={d.Value}")) + "}");
}
