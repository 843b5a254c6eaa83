namespace Paywatch.Local;

/// <summary>
/// Random (version 4) UUIDs for the ids the twin hands out on its hot paths: event ids, message ids, request ids.
/// They must be unique, not unguessable, and <see cref="Guid.NewGuid"/> reads the kernel's random source on every
/// call (a system call here, 2.5 % of the twin's CPU at full load), so the bits come from <see cref="Random.Shared"/>.
/// </summary>
internal static class Uuid
{
    /// <summary>
    /// A name-based UUID: the same name always gives the same id. Version 8 over SHA-256, as RFC 9562 shows it
    /// (section 5.8, Appendix B.2): version 5's SHA-1 is one the analyzers rightly refuse.
    /// </summary>
    public static string FromName(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // variant 10
        return new Guid(bytes, bigEndian: true).ToString();
    }

    /// <summary>A version 4 UUID in its text form (RFC 9562, section 5.4), e.g. <c>0f8fad5b-d9cb-469f-a165-70867728950e</c>.</summary>
    public static string NewString()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // variant 10
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
