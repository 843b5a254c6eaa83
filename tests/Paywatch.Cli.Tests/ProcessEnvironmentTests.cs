namespace Paywatch.Cli.Tests;

/// <summary>Tests that set process environment variables (PAYWATCH_PORT, AWS keys): run alone, so no other test or child process sees them.</summary>
[CollectionDefinition(nameof(ProcessEnvironmentTests), DisableParallelization = true)]
public sealed class ProcessEnvironmentTests;
