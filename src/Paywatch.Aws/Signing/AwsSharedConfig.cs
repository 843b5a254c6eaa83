namespace Paywatch.Aws.Signing;

/// <summary>
/// A profile of the AWS shared config and credentials files, as the CLI and SDKs read them
/// (https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html): <c>~/.aws/credentials</c> (or
/// <c>AWS_SHARED_CREDENTIALS_FILE</c>) with <c>[name]</c> sections, <c>~/.aws/config</c> (or <c>AWS_CONFIG_FILE</c>) with
/// <c>[profile name]</c> sections (<c>[default]</c> for the default profile). Only static keys and the region are read.
/// </summary>
public sealed record AwsSharedConfig(AwsCredentials? Credentials, string? Region)
{
    /// <param name="profile">The profile; null: <c>AWS_PROFILE</c>, else <c>default</c>.</param>
    public static AwsSharedConfig Load(string? profile = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        profile ??= environment("AWS_PROFILE") is { Length: > 0 } named ? named : "default";
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var credentialsFile = environment("AWS_SHARED_CREDENTIALS_FILE") ?? Path.Combine(home, ".aws", "credentials");
        var configFile = environment("AWS_CONFIG_FILE") ?? Path.Combine(home, ".aws", "config");

        var keys = Section(credentialsFile, profile);
        var config = Section(configFile, profile == "default" ? "default" : "profile " + profile);
        var credentials = keys.TryGetValue("aws_access_key_id", out var id) && keys.TryGetValue("aws_secret_access_key", out var secret)
            ? new AwsCredentials(id, secret, keys.GetValueOrDefault("aws_session_token"))
            : null;
        return new AwsSharedConfig(credentials, config.GetValueOrDefault("region"));
    }

    private static Dictionary<string, string> Section(string path, string name)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return values;
        }

        var inSection = false;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[' && line[^1] == ']')
            {
                inSection = string.Equals(line[1..^1].Trim(), name, StringComparison.Ordinal);
                continue;
            }

            var equals = line.IndexOf('=');
            if (inSection && equals > 0)
            {
                values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
            }
        }

        return values;
    }
}
