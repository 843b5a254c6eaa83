using Paywatch.Aws.TestSupport;
using System.Text.RegularExpressions;

namespace Paywatch.Lambda.Tests;

/// <summary>
/// What can be proved of the Dockerfile without a Docker engine: the stages, the base image, where the binary
/// goes, and that every path it copies exists in the repository (the build context is the repository root).
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string Root = BootstrapBuild.RepositoryRoot;
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(Root, "src", "Paywatch.Lambda", "Dockerfile"));

    private static IEnumerable<string> Instructions(string keyword) =>
        Lines.Where(l => l.StartsWith(keyword + " ", StringComparison.Ordinal));

    [Fact]
    public void The_image_runs_on_the_OS_only_provided_al2023_base_for_linux_amd64()
    {
        var from = Instructions("FROM").ToList();

        Assert.Equal(2, from.Count);
        Assert.Equal("FROM --platform=linux/amd64 public.ecr.aws/lambda/provided:al2023", from[^1]);
    }

    /// <summary>
    /// A custom runtime image runs <c>bootstrap</c> from LAMBDA_RUNTIME_DIR
    /// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html, "Using a custom runtime with a container image").
    /// </summary>
    [Fact]
    public void The_native_binary_is_copied_to_the_runtime_directory_as_bootstrap()
    {
        Assert.Contains("COPY --from=build /publish/bootstrap ${LAMBDA_RUNTIME_DIR}/bootstrap", Lines);
        Assert.Single(Instructions("CMD"));
    }

    [Fact]
    public void The_build_publishes_the_Lambda_project_for_linux_x64_with_Native_AOT()
    {
        var publish = Assert.Single(Instructions("RUN"), r => r.Contains("dotnet publish", StringComparison.Ordinal));

        Assert.Contains("src/Paywatch.Lambda/Paywatch.Lambda.csproj", publish, StringComparison.Ordinal);
        Assert.Contains("-r linux-x64", publish, StringComparison.Ordinal);
        Assert.Contains("-c Release", publish, StringComparison.Ordinal);
        var project = File.ReadAllText(Path.Combine(Root, "src", "Paywatch.Lambda", "Paywatch.Lambda.csproj"));
        Assert.Contains("<PublishAot>true</PublishAot>", project, StringComparison.Ordinal);
        Assert.Contains("<AssemblyName>bootstrap</AssemblyName>", project, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_path_copied_from_the_build_context_exists_in_the_repository()
    {
        var sources = Instructions("COPY")
            .Where(c => !c.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
            .ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, source => Assert.True(
            File.Exists(Path.Combine(Root, source)) || Directory.Exists(Path.Combine(Root, source)),
            $"COPY {source}: not in the repository"));
    }

    [Fact]
    public void Every_project_the_Lambda_references_is_inside_the_copied_folders()
    {
        var copied = Instructions("COPY").SelectMany(c => c.Split(' ')[1..^1]).Where(s => s.EndsWith('/')).ToList();
        var lambda = Path.Combine(Root, "src", "Paywatch.Lambda", "Paywatch.Lambda.csproj");

        foreach (var project in ReferencedFiles(lambda))
        {
            var relative = Path.GetRelativePath(Root, project).Replace('\\', '/');
            Assert.True(copied.Any(folder => relative.StartsWith(folder, StringComparison.Ordinal)), $"{relative} is not copied into the build stage");
        }
    }

    /// <summary>Project references and embedded resources, transitively.</summary>
    private static HashSet<string> ReferencedFiles(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            var directory = Path.GetDirectoryName(current)!;
            foreach (Match include in IncludeAttribute().Matches(File.ReadAllText(current)))
            {
                var path = Path.GetFullPath(Path.Combine(directory, include.Groups[1].Value.Replace("*.json", "", StringComparison.Ordinal)));
                if (seen.Add(path) && path.EndsWith(".csproj", StringComparison.Ordinal))
                {
                    pending.Push(path);
                }
            }
        }

        return seen;
    }

    [GeneratedRegex("<(?:ProjectReference|EmbeddedResource) Include=\"([^\"]+)\"")]
    private static partial Regex IncludeAttribute();
}
