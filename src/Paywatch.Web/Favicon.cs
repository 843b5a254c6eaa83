using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Paywatch.Web;

/// <summary>
/// <c>/favicon.ico</c>, which every browser asks for: a 16×16 icon (the web UI's accent colour with a white pulse line),
/// drawn here as an ICO file (a one-image directory, then a bottom-up 32-bit BMP and its AND mask), so no binary sits in the repository.
/// </summary>
internal static class Favicon
{
    private const int Size = 16;

    public static void Map(WebApplication app)
    {
        var icon = Draw();
        app.MapGet("/favicon.ico", () => Results.Bytes(icon, "image/x-icon"));
    }

    /// <summary>The ICO file's bytes.</summary>
    public static byte[] Draw()
    {
        const int headerBytes = 6 + 16;
        const int bitmapInfoBytes = 40;
        const int pixelBytes = Size * Size * 4;
        const int maskBytes = Size * 4; // One bit a pixel, rows padded to 32 bits.
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            // ICONDIR, then one ICONDIRENTRY.
            writer.Write((short)0);
            writer.Write((short)1);
            writer.Write((short)1);
            writer.Write((byte)Size);
            writer.Write((byte)Size);
            writer.Write((byte)0);
            writer.Write((byte)0);
            writer.Write((short)1);
            writer.Write((short)32);
            writer.Write(bitmapInfoBytes + pixelBytes + maskBytes);
            writer.Write(headerBytes);
            // BITMAPINFOHEADER: the height counts the XOR image and the mask.
            writer.Write(bitmapInfoBytes);
            writer.Write(Size);
            writer.Write(Size * 2);
            writer.Write((short)1);
            writer.Write((short)32);
            writer.Write(0);
            writer.Write(pixelBytes + maskBytes);
            writer.Write(0);
            writer.Write(0);
            writer.Write(0);
            writer.Write(0);
            for (var row = Size - 1; row >= 0; row--)
            {
                for (var column = 0; column < Size; column++)
                {
                    var white = row == Pulse(column);
                    // BGRA.
                    writer.Write(white ? (byte)255 : (byte)0xd9);
                    writer.Write(white ? (byte)255 : (byte)0x6e);
                    writer.Write(white ? (byte)255 : (byte)0x1f);
                    writer.Write((byte)255);
                }
            }

            writer.Write(new byte[maskBytes]);
        }

        return buffer.ToArray();
    }

    // A heartbeat: flat, a spike up and down, flat.
    private static int Pulse(int column) => column switch
    {
        6 => 4,
        7 => 12,
        8 => 6,
        _ => 9,
    };
}
