using System.Text.RegularExpressions;

namespace Paywatch.Monitoring.Logs;

/// <summary>
/// Regexes come from the query, so they are untrusted: every one gets a match timeout, and a match that runs out
/// of time fails the query rather than silently not matching.
/// </summary>
internal static class RegexMatching
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public static Regex Create(string pattern, int position)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, Timeout);
        }
        catch (ArgumentException e)
        {
            throw new InvalidQueryException($"invalid regex /{pattern}/ at {position}: {e.Message}", position);
        }
    }

    public static bool IsMatch(Regex regex, string text)
    {
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new InvalidQueryException($"regex /{regex}/ took longer than {Timeout.TotalSeconds} s on one value", 0);
        }
    }

    public static Match Match(Regex regex, string text)
    {
        try
        {
            return regex.Match(text);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new InvalidQueryException($"regex /{regex}/ took longer than {Timeout.TotalSeconds} s on one value", 0);
        }
    }
}
