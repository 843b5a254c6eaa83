namespace Paywatch.Monitoring.MetricMath;

/// <summary>
/// A metric's datapoints: strictly increasing timestamps, one value each, and the period they aggregate. A
/// timestamp without a datapoint is missing; missing is never written as NaN.
/// </summary>
public sealed class MetricSeries
{
    public MetricSeries(IReadOnlyList<DateTimeOffset> timestamps, IReadOnlyList<double> values, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(timestamps);
        ArgumentNullException.ThrowIfNull(values);
        if (timestamps.Count != values.Count)
        {
            throw new ArgumentException("There must be one value per timestamp.", nameof(values));
        }

        for (var i = 0; i < timestamps.Count; i++)
        {
            if (i > 0 && timestamps[i] <= timestamps[i - 1])
            {
                throw new ArgumentException("Timestamps must be strictly increasing.", nameof(timestamps));
            }

            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException("Values must be finite numbers; leave a missing datapoint out instead.", nameof(values));
            }
        }

        Timestamps = [.. timestamps];
        Values = [.. values];
        Period = period;
    }

    public IReadOnlyList<DateTimeOffset> Timestamps { get; }

    public IReadOnlyList<double> Values { get; }

    public TimeSpan Period { get; }

    public int Count => Timestamps.Count;

    /// <summary>The value at <paramref name="timestamp"/>, if there is a datapoint there.</summary>
    public bool TryGetValue(DateTimeOffset timestamp, out double value)
    {
        var index = BinarySearch(timestamp);
        value = index >= 0 ? Values[index] : 0;
        return index >= 0;
    }

    private int BinarySearch(DateTimeOffset timestamp)
    {
        int low = 0, high = Timestamps.Count - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) / 2);
            var comparison = Timestamps[mid].CompareTo(timestamp);
            if (comparison == 0)
            {
                return mid;
            }

            if (comparison < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return -1;
    }
}
