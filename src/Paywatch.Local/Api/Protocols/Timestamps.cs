using System.Globalization;

namespace Paywatch.Local.Api.Protocols;

/// <summary>
/// Timestamps in the formats a model names (https://smithy.io/2.0/spec/protocol-traits.html#timestampformat-trait):
/// <c>epoch-seconds</c> (the neutral value's, and the JSON protocols'), <c>iso8601</c> (the query protocol's) and
/// <c>http-date</c>/<c>rfc822</c>.
/// </summary>
internal static class Timestamps
{
    public static DateTimeOffset FromEpochSeconds(double seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));

    public static double EpochSeconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    public static string Format(DateTimeOffset time, string format) => format switch
    {
        "epoch-seconds" or "unixTimestamp" => EpochSeconds(time).ToString("R", CultureInfo.InvariantCulture),
        "rfc822" or "http-date" => time.UtcDateTime.ToString("r", CultureInfo.InvariantCulture),
        _ => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
    };

    /// <summary>An ISO 8601 time, or epoch seconds, as the query protocol's callers send either.</summary>
    public static bool TryParse(string text, out DateTimeOffset time)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) && Math.Abs(seconds) < 1e11)
        {
            time = FromEpochSeconds(seconds);
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }
}
