using System.Text.RegularExpressions;

namespace Paywatch.Monitoring;

/// <summary>
/// Fills the <c>${name}</c> placeholders of a <c>config/</c> file the way Terraform's <c>templatefile</c> does,
/// so Terraform and the local twin read the same text: <c>$${</c> is a literal <c>${</c>, and a placeholder
/// without a value is an error (Terraform refuses it too), never left in place.
/// </summary>
public static partial class ConfigTemplate
{
    /// <exception cref="KeyNotFoundException">A placeholder has no value; the message names it.</exception>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        return Placeholder().Replace(template, m =>
            m.Value.StartsWith("$$", StringComparison.Ordinal) ? m.Value[1..]
            : values.TryGetValue(m.Groups["name"].Value, out var value) ? value
            : throw new KeyNotFoundException($"No value for the placeholder ${{{m.Groups["name"].Value}}}."));
    }

    [GeneratedRegex(@"\$?\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();
}
