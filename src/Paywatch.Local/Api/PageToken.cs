using System.Globalization;
using System.Text;

namespace Paywatch.Local.Api;

/// <summary>
/// The opaque NextToken of the twin's list operations: the position of the next item in the operation's ordered
/// result, tagged with the operation so that a token is accepted back only by the operation that issued it. AWS's
/// tokens are opaque too; a client only passes back what it was given.
/// </summary>
internal static class PageToken
{
    /// <summary>Cuts one page out of <paramref name="items"/>.</summary>
    /// <param name="operation">The issuing operation, e.g. <c>ListRules</c>.</param>
    /// <param name="limit">The page size (already validated).</param>
    /// <param name="token">The NextToken the client passed back, or null for the first page.</param>
    /// <param name="invalid">The service's error for a token it did not issue.</param>
    /// <returns>The page, and the token of the next page (null on the last page).</returns>
    public static (IReadOnlyList<T> Page, string? NextToken) Page<T>(
        IReadOnlyList<T> items, int limit, string operation, string? token, Func<AwsServiceException> invalid)
    {
        var offset = token is null ? 0 : Decode(operation, token) ?? throw invalid();
        if (offset > items.Count)
        {
            throw invalid();
        }

        var end = Math.Min(items.Count, offset + limit);
        var page = new List<T>(end - offset);
        for (var i = offset; i < end; i++)
        {
            page.Add(items[i]);
        }

        return (page, end < items.Count ? Encode(operation, end) : null);
    }

    public static string Encode(string operation, int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{operation}:{offset.ToString(CultureInfo.InvariantCulture)}"));

    /// <returns>The offset, or null when the token is not one <paramref name="operation"/> issued.</returns>
    public static int? Decode(string operation, string token)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            return null;
        }

        var prefix = operation + ":";
        return text.StartsWith(prefix, StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? offset
            : null;
    }
}
