namespace Paywatch.Cli.Verify;

/// <summary>The event source mapping's settings infra/lambda.tf sets from its variables, as Lambda's API names them.</summary>
internal sealed record MappingSettings(int BatchSize, int ParallelizationFactor, int MaximumBatchingWindowInSeconds, int TumblingWindowInSeconds);
