namespace Paywatch.Local.Api;

/// <summary>
/// The term form of CloudWatch Logs filter patterns
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html): every term must occur in
/// the message (case-sensitive), <c>"a quoted phrase"</c> is one term, <c>-term</c> must not occur, and of the
/// <c>?term</c>s at least one must occur. JSON (<c>{ $.field = ... }</c>), space-delimited (<c>[...]</c>) and regular
/// expression (<c>%...%</c>) patterns are refused, not approximated.
/// </summary>
internal sealed class LogFilterPattern
{
    private readonly List<string> _required = [];
    private readonly List<string> _excluded = [];
    private readonly List<string> _anyOf = [];

    private LogFilterPattern()
    {
    }

    /// <exception cref="AwsServiceException">A pattern form the twin does not support.</exception>
    public static LogFilterPattern Parse(string? pattern)
    {
        var result = new LogFilterPattern();
        var text = (pattern ?? "").Trim();
        if (text.StartsWith('{') || text.StartsWith('[') || (text.Length > 1 && text.StartsWith('%') && text.EndsWith('%')))
        {
            throw new AwsServiceException("InvalidParameterException", "The twin's FilterLogEvents supports term filter patterns only (terms, \"phrases\", -term, ?term); JSON, space-delimited and regular-expression patterns are not supported.");
        }

        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }

            var list = text[i] switch { '-' => result._excluded, '?' => result._anyOf, _ => result._required };
            if (text[i] is '-' or '?')
            {
                i++;
            }

            string term;
            if (i < text.Length && text[i] == '"')
            {
                var end = text.IndexOf('"', i + 1);
                if (end < 0)
                {
                    throw new AwsServiceException("InvalidParameterException", "Invalid filter pattern: a quoted term is not closed.");
                }

                term = text[(i + 1)..end];
                i = end + 1;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]))
                {
                    i++;
                }

                term = text[start..i];
            }

            if (term.Length > 0)
            {
                list.Add(term);
            }
        }

        return result;
    }

    public bool Matches(string message) =>
        _required.TrueForAll(t => message.Contains(t, StringComparison.Ordinal))
        && !_excluded.Exists(t => message.Contains(t, StringComparison.Ordinal))
        && (_anyOf.Count == 0 || _anyOf.Exists(t => message.Contains(t, StringComparison.Ordinal)));
}
