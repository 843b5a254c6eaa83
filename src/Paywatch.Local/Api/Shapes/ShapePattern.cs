using System.Text;
using System.Text.RegularExpressions;

namespace Paywatch.Local.Api.Shapes;

/// <summary>
/// A string shape's <c>pattern</c> constraint, compiled once on first use. Smithy defines it as an ECMA 262 regular
/// expression that "is not implicitly anchored" (https://smithy.io/2.0/spec/constraint-traits.html#pattern-trait), but
/// AWS's services hold the whole value to it: "Value 'SC-Name of the App-local-Sidecar-RenderOgImage' at
/// 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ..."
/// (https://github.com/aarondfrancis/sidecar/issues/20) refuses a name whose parts match, and "Value 'alph1a-osquery\n'
/// at 'deliveryStreamName' ... pattern: [a-zA-Z0-9_.-]+" (https://github.com/osquery/osquery/issues/3694) one with a
/// trailing newline. So the value must match from its first character to its last (<c>\A(?:pattern)\z</c>).
/// </summary>
internal sealed class ShapePattern
{
    /// <summary>How long one value may take to match: a request must never hold the endpoint.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private readonly Lazy<Regex?> _regex;

    public ShapePattern(string text)
    {
        Text = text;
        _regex = new(() => Compile(text));
    }

    /// <summary>The pattern as the model writes it, which is how AWS quotes it in its message.</summary>
    public string Text { get; }

    /// <summary>False when .NET cannot read the model's pattern: it is then not checked (no model the twin carries has one; a test holds that).</summary>
    public bool IsCheckable => _regex.Value is not null;

    /// <summary>Whether the whole <paramref name="value"/> matches; true when the pattern is not checkable.</summary>
    /// <exception cref="RegexMatchTimeoutException">The value could not be matched within <see cref="MatchTimeout"/>.</exception>
    public bool IsMatch(string value) => _regex.Value?.IsMatch(value) ?? true;

    /// <summary>
    /// The model's pattern as a .NET regex that matches the whole value, or null when .NET cannot read it (Java's
    /// <c>\p{ASCII}</c>, say). Patterns without lookarounds run on the non-backtracking engine, in time linear in the
    /// value, so that a pattern with nested repetition (EventBridge's <c>HeaderValue</c>) cannot be made to backtrack
    /// for long; the others on the backtracking one, under <see cref="MatchTimeout"/> either way.
    /// </summary>
    private static Regex? Compile(string pattern)
    {
        var anchored = $@"\A(?:{ToDotNet(pattern)})\z";
        try
        {
            return new Regex(anchored, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (NotSupportedException)
        {
            // Lookarounds and backreferences: only the backtracking engine has them.
        }
        catch (ArgumentException)
        {
            return null;
        }

        try
        {
            return new Regex(anchored, RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// ECMA 262's meaning where .NET's differs: <c>\d</c> and <c>\w</c> are ASCII (.NET's take any Unicode digit or
    /// letter), <c>.</c> stops at every line terminator (.NET's only at <c>\n</c>), <c>[</c> inside a class is a
    /// literal (in .NET, <c>-[</c> would start a class subtraction), and <c>\_</c> is <c>_</c>.
    /// </summary>
    internal static string ToDotNet(string pattern)
    {
        var result = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var escaped = pattern[++i];
                result.Append((escaped, inClass) switch
                {
                    ('d', false) => "[0-9]",
                    ('d', true) => "0-9",
                    ('D', false) => "[^0-9]",
                    ('w', false) => "[a-zA-Z0-9_]",
                    ('w', true) => "a-zA-Z0-9_",
                    ('W', false) => "[^a-zA-Z0-9_]",
                    // ECMA 262's identity escape of a word character that is no escape (EventBridge's [A-Za-z0-9\_\-]+), which .NET refuses.
                    _ when escaped == '_' || (char.IsLetterOrDigit(escaped) && !char.IsAscii(escaped)) => escaped.ToString(),
                    _ => $"\\{escaped}",
                });
            }
            else if (c == '[')
            {
                result.Append(inClass ? @"\[" : "[");
                inClass = true;
            }
            else if (c == ']' && inClass)
            {
                result.Append(']');
                inClass = false;
            }
            else if (c == '.' && !inClass)
            {
                result.Append(@"[^\n\r\u2028\u2029]");
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }
}
