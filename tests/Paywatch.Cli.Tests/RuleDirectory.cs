namespace Paywatch.Cli.Tests;

/// <summary>A temporary directory holding one rule file, deleted on dispose.</summary>
internal sealed class RuleDirectory : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("paywatch-rules-");

    public RuleDirectory(string fileName, string ruleJson) =>
        File.WriteAllText(System.IO.Path.Combine(_directory.FullName, fileName), ruleJson);

    public string Path => _directory.FullName;

    public void Dispose() => _directory.Delete(recursive: true);
}
