namespace Paywatch.Local.Storage;

/// <summary>
/// The data folder holds something this paywatch will not open: a file of a newer format version, or one it cannot
/// rebuild. The message names the file and what to do; the command line prints it alone (no stack trace) and exits 2.
/// </summary>
public sealed class DataFolderException : IOException
{
    public DataFolderException()
    {
    }

    public DataFolderException(string message)
        : base(message)
    {
    }

    public DataFolderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The refusal for a file written by a newer paywatch.</summary>
    public static DataFolderException NewerVersion(string path, int version) => new(
        $"{path} is in format version {version}; this paywatch reads up to version {RecordFraming.CurrentVersion}. "
        + "Run the paywatch that wrote it, or move the data folder aside to start a new one.");
}
