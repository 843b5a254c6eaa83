using Paywatch.Aws.TestSupport;

namespace Paywatch.Lambda.Tests;

/// <summary>The function published as Lambda runs it, once per test run, shared by the <see cref="AotBootstrapGroup"/>.</summary>
public sealed class AotBootstrap
{
    public AotBootstrap() => (Path, PublishOutput) = BootstrapBuild.PublishAot("lambda-aot");

    /// <summary>The native <c>bootstrap</c> binary.</summary>
    public string Path { get; }

    /// <summary>What dotnet publish printed: AOT and trim warnings would be here (and fail the publish).</summary>
    public string PublishOutput { get; }
}

[CollectionDefinition(Name)]
public sealed class AotBootstrapGroup : ICollectionFixture<AotBootstrap>
{
    public const string Name = "AOT bootstrap";
}
