namespace Paywatch.Monitoring.Logs;

/// <summary>
/// A period for <c>bin()</c>, <c>datefloor()</c> and <c>dateceil()</c>: an amount and a unit. The units and their
/// abbreviations are those of the AWS page "stats" (ms/msec, s/sec, m/min, h/hr, d, w, mo/mon, q/qtr, y/yr; a
/// trailing "s" pluralizes the longer ones). Fixed units are aligned to the Unix epoch in UTC; months, quarters and
/// years are calendar periods in UTC.
/// </summary>
internal readonly record struct TimePeriod(long Amount, TimeUnit Unit)
{
    private static readonly Dictionary<string, TimeUnit> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ms"] = TimeUnit.Millisecond, ["msec"] = TimeUnit.Millisecond, ["millisecond"] = TimeUnit.Millisecond,
        ["s"] = TimeUnit.Second, ["sec"] = TimeUnit.Second, ["second"] = TimeUnit.Second,
        ["m"] = TimeUnit.Minute, ["min"] = TimeUnit.Minute, ["minute"] = TimeUnit.Minute,
        ["h"] = TimeUnit.Hour, ["hr"] = TimeUnit.Hour, ["hour"] = TimeUnit.Hour,
        ["d"] = TimeUnit.Day, ["day"] = TimeUnit.Day,
        ["w"] = TimeUnit.Week, ["week"] = TimeUnit.Week,
        ["mo"] = TimeUnit.Month, ["mon"] = TimeUnit.Month, ["month"] = TimeUnit.Month,
        ["q"] = TimeUnit.Quarter, ["qtr"] = TimeUnit.Quarter, ["quarter"] = TimeUnit.Quarter,
        ["y"] = TimeUnit.Year, ["yr"] = TimeUnit.Year, ["year"] = TimeUnit.Year,
    };

    public static bool TryParseUnit(string text, out TimeUnit unit) =>
        Units.TryGetValue(text, out unit)
        || (text.Length > 2 && text.EndsWith('s') && Units.TryGetValue(text[..^1], out unit));

    private long FixedMilliseconds => Unit switch
    {
        TimeUnit.Millisecond => Amount,
        TimeUnit.Second => Amount * 1000,
        TimeUnit.Minute => Amount * 60_000,
        TimeUnit.Hour => Amount * 3_600_000,
        TimeUnit.Day => Amount * 86_400_000,
        TimeUnit.Week => Amount * 604_800_000,
        _ => 0,
    };

    /// <summary>The start of the period that holds the time.</summary>
    public double Floor(double epochMilliseconds)
    {
        var size = FixedMilliseconds;
        if (size > 0)
        {
            return Math.Floor(epochMilliseconds / size) * size;
        }

        var time = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Floor(epochMilliseconds)).UtcDateTime;
        var months = Unit switch { TimeUnit.Month => Amount, TimeUnit.Quarter => Amount * 3, _ => Amount * 12 };
        var index = (((time.Year - 1970) * 12) + time.Month - 1) / months * months;
        var start = new DateTime(1970 + (int)(index / 12), (int)(index % 12) + 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return new DateTimeOffset(start).ToUnixTimeMilliseconds();
    }

    /// <summary>The end of the period that holds the time (the time itself when it starts a period).</summary>
    public double Ceiling(double epochMilliseconds)
    {
        var floor = Floor(epochMilliseconds);
        if (floor == epochMilliseconds)
        {
            return floor;
        }

        var size = FixedMilliseconds;
        if (size > 0)
        {
            return floor + size;
        }

        var months = Unit switch { TimeUnit.Month => Amount, TimeUnit.Quarter => Amount * 3, _ => Amount * 12 };
        return new DateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds((long)floor).UtcDateTime.AddMonths((int)months)).ToUnixTimeMilliseconds();
    }
}

internal enum TimeUnit
{
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}
