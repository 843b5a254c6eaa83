namespace Paywatch.Patterns;

/// <summary>
/// Finds every numeric range containing a number with one binary search, whatever the number of ranges: the
/// ranges' end points cut the number line into segments (each end point is a segment of its own, and so is each
/// open stretch between two), and each segment knows the ranges that cover it.
/// </summary>
internal sealed class IntervalIndex
{
    private readonly double[] _bounds;
    private readonly int[][] _segments;

    public IntervalIndex(IReadOnlyList<(NumericMatcher Range, int Id)> ranges)
    {
        _bounds = [.. ranges.SelectMany(r => new[] { r.Range.Lower, r.Range.Upper }).OfType<double>().Distinct().Order()];
        var k = _bounds.Length;
        _segments = new int[(2 * k) + 1][];
        for (var s = 0; s < _segments.Length; s++)
        {
            _segments[s] = [.. ranges.Where(r => Covers(r.Range, s)).Select(r => r.Id)];
        }
    }

    public bool IsEmpty => _segments.Length == 1 && _segments[0].Length == 0;

    public ReadOnlySpan<int> Find(double number)
    {
        var i = Array.BinarySearch(_bounds, number);
        return _segments[i >= 0 ? (2 * i) + 1 : 2 * ~i];
    }

    // Segment 2i+1 is the point _bounds[i]; segment 2j is the open stretch between _bounds[j-1] and _bounds[j].
    private bool Covers(NumericMatcher range, int segment)
    {
        if (segment % 2 == 1)
        {
            return range.Contains(_bounds[segment / 2]);
        }

        var j = segment / 2;
        var lowOk = range.Lower is not { } low || (j > 0 && low <= _bounds[j - 1]);
        var highOk = range.Upper is not { } high || (j < _bounds.Length && high >= _bounds[j]);
        return lowOk && highOk;
    }
}
