using System.Text.Json;

namespace Paywatch.Local.Api.Protocols;

/// <summary>
/// The one value every codec reads a request into and writes a response from: the AWS JSON protocol's document of the
/// operation's shape (structures as objects, timestamps as epoch seconds, blobs as base64), so that a handler is written
/// once for every protocol its service speaks.
/// </summary>
internal static class NeutralValue
{
    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
