namespace Paywatch.Local.Tests;

/// <summary>A fresh folder under the system temp folder for one test (a data folder), deleted with its contents.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "paywatch-local-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A test's leftover folder is not worth failing it for.
        }
    }
}
