using System.Runtime.InteropServices;

namespace Paywatch.Local.Storage;

/// <summary>
/// The one atomic replace every store of the data folder uses: the new content goes to a temporary file, is fsynced,
/// renamed over the old file, and the folder is fsynced, so a crash or a power cut leaves the old file or the new one,
/// never a torn one, and never neither.
/// </summary>
internal static partial class DurableFile
{
    private const int ReadOnly = 0;

    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/>, durably and atomically.</summary>
    /// <param name="sync">False skips both fsyncs: still atomic against a killed process, not against a power cut (tests).</param>
    public static void Replace(string path, ReadOnlySpan<byte> content, bool sync = true)
    {
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            file.Write(content);
            file.Flush(flushToDisk: sync);
        }

        File.Move(temporary, path, overwrite: true);
        if (sync)
        {
            SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
    }

    /// <summary>
    /// fsyncs a folder, so that a rename or a new file in it survives a power cut (the rename is a change of the folder,
    /// not of the file). Windows has no such call and needs none: NTFS journals the rename.
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // .NET refuses to open a folder as a file, so libc does it.
        var descriptor = Open(directory, ReadOnly);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open the folder {directory} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"Cannot sync the folder {directory} (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
