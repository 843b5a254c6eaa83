using System.Text.Json;

namespace Paywatch.Local;

/// <summary>Reading the twin's append-only JSON-lines stores (the DLQ, the topic's outbox) back after a stop or a crash.</summary>
internal static class JsonLinesFile
{
    /// <summary>
    /// Each line of <paramref name="path"/> as a JSON document (the caller disposes it), up to the first that is not
    /// JSON: a torn last line, whose write a crash cut short and which was therefore never acknowledged.
    /// </summary>
    public static IEnumerable<JsonDocument> ReadUntilTorn(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException)
            {
                yield break;
            }

            yield return document;
        }
    }
}
