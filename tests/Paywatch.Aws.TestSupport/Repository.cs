namespace Paywatch.Aws.TestSupport;

/// <summary>The repository the running tests or benchmarks were built from, found upwards from their binaries.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Paywatch.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Paywatch.slnx) was not found above the running assembly.");
    }
}
