namespace Paywatch.Aws.Endpoints;

/// <summary>
/// Where a service's requests go, resolved as the AWS SDKs do for "service-specific endpoints"
/// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html): <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>,
/// then <c>AWS_ENDPOINT_URL</c>, then the service's public endpoint in the region. The same binary thus talks to
/// the local twin when those variables point at it.
/// </summary>
/// <remarks>
/// The public endpoint covers the commercial partition (<c>amazonaws.com</c>) and China (<c>amazonaws.com.cn</c> for
/// <c>cn-*</c> regions) only; GovCloud's <c>us-gov-*</c> hosts share the commercial suffix. The ISO partitions,
/// FIPS and dual-stack endpoints are not derived: set <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c> for them.
/// Configured endpoints are ignored when <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS</c> is <c>true</c>, as in the SDKs.
/// </remarks>
public static class AwsEndpointResolver
{
    /// <summary>EventBridge's SDK service id is <c>EventBridge</c>; its endpoint prefix (and signing name) is <c>events</c>.</summary>
    public static Uri EventBridge(string region, Func<string, string?>? environment = null) =>
        Resolve("EventBridge", "events", region, environment);

    /// <param name="serviceId">The SDK service id (spaces become underscores, upper-cased, in the variable name).</param>
    /// <param name="endpointPrefix">The host prefix of the public endpoint.</param>
    /// <exception cref="InvalidOperationException">A configured endpoint is not an absolute http(s) URL.</exception>
    public static Uri Resolve(string serviceId, string endpointPrefix, string region, Func<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        ArgumentException.ThrowIfNullOrEmpty(endpointPrefix);
        ArgumentException.ThrowIfNullOrEmpty(region);
        environment ??= Environment.GetEnvironmentVariable;
        if (!string.Equals(environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            var serviceVariable = "AWS_ENDPOINT_URL_" + serviceId.Replace(' ', '_').ToUpperInvariant();
            foreach (var variable in new[] { serviceVariable, "AWS_ENDPOINT_URL" })
            {
                var configured = environment(variable);
                if (!string.IsNullOrWhiteSpace(configured))
                {
                    return Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                        ? uri
                        : throw new InvalidOperationException($"{variable} must be an absolute http(s) URL; it is '{configured}'.");
                }
            }
        }

        var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://{endpointPrefix}.{region}.{suffix}");
    }
}
