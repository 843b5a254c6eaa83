namespace Paywatch.Aws.Endpoints;

/// <summary>The region a function runs in: Lambda sets <c>AWS_REGION</c> (and <c>AWS_DEFAULT_REGION</c>).</summary>
public static class AwsRegion
{
    /// <exception cref="InvalidOperationException">Neither variable is set.</exception>
    public static string FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var region = environment("AWS_REGION");
        if (string.IsNullOrWhiteSpace(region))
        {
            region = environment("AWS_DEFAULT_REGION");
        }

        return string.IsNullOrWhiteSpace(region)
            ? throw new InvalidOperationException("The AWS region is not set: set AWS_REGION (or AWS_DEFAULT_REGION).")
            : region.Trim();
    }
}
