using System.Text.Json;

namespace Paywatch.Monitoring.Logs;

/// <summary>
/// Prints a result as a text table (columns padded to their widest value, missing values blank), or as JSON
/// lines: one object per row, keys in column order, numbers as JSON numbers, timestamps as the table shows them,
/// missing values as null. JSON lines rather than one array, so a result streams and greps like the processor's logs.
/// </summary>
public static class QueryResultWriter
{
    public static void WriteTable(QueryResult result, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        var cells = result.Rows.Select(row => row.Select(v => v.ToString()).ToArray()).ToList();
        var widths = result.Columns.Select((c, i) => Math.Max(c.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        output.WriteLine(Line(result.Columns, widths));
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in cells)
        {
            output.WriteLine(Line(row, widths));
        }
    }

    private static string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd();

    public static void WriteJsonLines(QueryResult result, Stream output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new Utf8JsonWriter(output);
        foreach (var row in result.Rows)
        {
            writer.Reset(output);
            writer.WriteStartObject();
            for (var i = 0; i < result.Columns.Count; i++)
            {
                writer.WritePropertyName(result.Columns[i]);
                WriteValue(writer, row[i]);
            }

            writer.WriteEndObject();
            writer.Flush();
            output.Write("\n"u8);
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, in LogValue value)
    {
        switch (value.Kind)
        {
            case LogValueKind.Number:
                writer.WriteNumberValue(value.Number);
                break;
            case LogValueKind.Boolean:
                writer.WriteBooleanValue(value.Number != 0);
                break;
            case LogValueKind.Null:
                writer.WriteNullValue();
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }
}
