namespace Paywatch.Aws.Signing;

/// <summary>
/// An access key, its secret and, for temporary credentials, the session token. Lambda hands its execution role's
/// temporary credentials to the function in <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c> and
/// <c>AWS_SESSION_TOKEN</c>
/// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
/// </summary>
public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    /// <summary>Reads the credentials Lambda (or a developer's shell) puts in the environment.</summary>
    /// <param name="environment">Looks a variable up; <see cref="Environment.GetEnvironmentVariable(string)"/> when null.</param>
    /// <exception cref="InvalidOperationException">The access key or the secret is missing.</exception>
    public static AwsCredentials FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var accessKey = environment("AWS_ACCESS_KEY_ID");
        var secret = environment("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException(
                "AWS credentials are missing: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials).");
        }

        var token = environment("AWS_SESSION_TOKEN");
        return new AwsCredentials(accessKey, secret, string.IsNullOrEmpty(token) ? null : token);
    }

    // A record prints every member; the secret and the token must never reach a log line.
    public override string ToString() =>
        $"AwsCredentials {{ AccessKeyId = {AccessKeyId}, SessionToken = {(SessionToken is null ? "none" : "set")} }}";
}
