using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Paywatch.Cli.Verify;

/// <summary>The checklist: one line per check, ✓ or ✗ with what was seen or why it failed; or the same as one JSON object.</summary>
internal static class VerifyReport
{
    public static string Text(VerifyTarget target, IReadOnlyList<CheckResult> checks)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"paywatch verify: environment {target.Environment}, region {target.Region}\n");
        foreach (var check in checks)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(check.Passed ? '✓' : '✗')} {check.Check}: {check.Detail}\n");
        }

        var failed = checks.Count(c => !c.Passed);
        text.Append(failed == 0
            ? string.Create(CultureInfo.InvariantCulture, $"all {checks.Count} checks passed\n")
            : string.Create(CultureInfo.InvariantCulture, $"{failed} of {checks.Count} checks failed\n"));
        return text.ToString();
    }

    public static byte[] Json(VerifyTarget target, IReadOnlyList<CheckResult> checks)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("environment", target.Environment);
            writer.WriteString("region", target.Region);
            writer.WriteBoolean("passed", checks.All(c => c.Passed));
            writer.WriteStartArray("checks");
            foreach (var check in checks)
            {
                writer.WriteStartObject();
                writer.WriteString("check", check.Check);
                writer.WriteBoolean("passed", check.Passed);
                writer.WriteString("detail", check.Detail);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
