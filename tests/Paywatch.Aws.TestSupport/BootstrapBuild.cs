using System.Diagnostics;

namespace Paywatch.Aws.TestSupport;

/// <summary>
/// Builds the Lambda host's <c>bootstrap</c> binary as the Dockerfile does (Native AOT, linux-x64), or as a plain
/// JIT build to compare with, each into a folder of its own under artifacts/ so the solution's obj/ folders are
/// left alone.
/// </summary>
public static class BootstrapBuild
{
    public static string RepositoryRoot => Repository.Root;

    private static string Project => Path.Combine("src", "Paywatch.Lambda", "Paywatch.Lambda.csproj");

    /// <returns>The native binary, and what dotnet publish printed (AOT or trim warnings would be in it).</returns>
    /// <exception cref="InvalidOperationException">The publish failed; the message has its output.</exception>
    public static (string Binary, string Output) PublishAot(string artifactsFolder)
    {
        var artifacts = Path.Combine(RepositoryRoot, "artifacts", artifactsFolder);
        var output = Run("publish", Project, "-c", "Release", "-r", "linux-x64", "--artifacts-path", artifacts, "--nologo", "-v", "q", "-warnaserror");
        return (Expect(Path.Combine(artifacts, "publish", "Paywatch.Lambda", "release_linux-x64", "bootstrap"), output), output);
    }

    /// <returns>The apphost of a framework-dependent, JIT-compiled build of the same project.</returns>
    public static string PublishJit(string artifactsFolder)
    {
        var artifacts = Path.Combine(RepositoryRoot, "artifacts", artifactsFolder);
        var output = Run("publish", Project, "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-p:PublishAot=false",
            "--artifacts-path", artifacts, "--nologo", "-v", "q");
        return Expect(Path.Combine(artifacts, "publish", "Paywatch.Lambda", "release_linux-x64", "bootstrap"), output);
    }

    private static string Expect(string binary, string output) =>
        File.Exists(binary) ? binary : throw new InvalidOperationException($"dotnet publish did not produce {binary}:\n{output}");

    /// <summary>Runs dotnet to completion, without the test host's MSBuild variables leaking into it.</summary>
    private static string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot,
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
        var text = output + error.Result;
        return process.ExitCode == 0 ? text : throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed:\n{text}");
    }
}
