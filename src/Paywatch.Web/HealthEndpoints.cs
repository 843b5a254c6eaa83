using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Paywatch.Local;

namespace Paywatch.Web;

/// <summary>
/// <c>GET /_paywatch/health</c>: what scripts poll before they send, modelled on LocalStack's <c>GET /_localstack/health</c>
/// (<c>{"services": {"kinesis": "running", ...}, "version": ...}</c>): each AWS service the twin's endpoint speaks, with
/// its state. The twin starts every service before it answers at all, so an answer means each is running.
/// </summary>
internal static class HealthEndpoints
{
    /// <summary>The services of the twin's endpoint, by the names the AWS CLI gives them.</summary>
    public static readonly string[] Services = ["cloudwatch", "events", "kinesis", "lambda", "logs", "sns", "sqs", "xray"];

    public static void Map(WebApplication app, LocalTwin twin)
    {
        var version = typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        app.MapGet("/_paywatch/health", () => WebJson.Ok(new
        {
            services = Services.ToDictionary(s => s, _ => "running", StringComparer.Ordinal),
            region = twin.Settings.Region,
            endpoint = twin.Api.Url.ToString().TrimEnd('/'),
            version,
        }));
    }
}
