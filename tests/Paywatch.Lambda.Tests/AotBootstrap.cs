using System.Diagnostics;

namespace Paywatch.Lambda.Tests;

/// <summary>
/// The function published as Lambda runs it: Native AOT for linux-x64, the Dockerfile's publish command, into a
/// folder of its own under artifacts/ (so the solution's own obj/ folders are left alone). Published once per
/// test run, shared by every test in the <see cref="AotBootstrapGroup"/>.
/// </summary>
public sealed class AotBootstrap
{
    public AotBootstrap()
    {
        var artifacts = System.IO.Path.Combine(RepositoryRoot, "artifacts", "lambda-aot");
        var result = Run("dotnet", RepositoryRoot,
            "publish", System.IO.Path.Combine("src", "Paywatch.Lambda", "Paywatch.Lambda.csproj"),
            "-c", "Release", "-r", "linux-x64", "--artifacts-path", artifacts, "--nologo", "-v", "q", "-warnaserror");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish (Native AOT) failed:\n{result.Output}");
        }

        Path = System.IO.Path.Combine(artifacts, "publish", "Paywatch.Lambda", "release_linux-x64", "bootstrap");
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException($"dotnet publish succeeded but {Path} is missing:\n{result.Output}");
        }

        PublishOutput = result.Output;
    }

    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The native <c>bootstrap</c> binary.</summary>
    public string Path { get; }

    /// <summary>What dotnet publish printed: AOT and trim warnings would be here (and fail the publish).</summary>
    public string PublishOutput { get; }

    /// <summary>Runs a build tool to completion, without the test host's MSBuild variables leaking into it.</summary>
    public static (int ExitCode, string Output) Run(string fileName, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Paywatch.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Paywatch.slnx) was not found above the test assembly.");
    }
}

[CollectionDefinition(Name)]
public sealed class AotBootstrapGroup : ICollectionFixture<AotBootstrap>
{
    public const string Name = "AOT bootstrap";
}
