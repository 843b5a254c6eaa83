using System.Diagnostics;
using Paywatch.Aws.EventBridge;
using Paywatch.Core.Routing;

namespace Paywatch.Lambda;

/// <summary>The function's adapters to AWS, built from the environment Lambda provides.</summary>
internal static class LambdaServices
{
    /// <summary>
    /// EventBridge's PutEvents, signed with the execution role's credentials, at the endpoint the environment names
    /// (EventBridge's own, or <c>AWS_ENDPOINT_URL_EVENTBRIDGE</c>). Unpublished entries are reported on stderr.
    /// </summary>
    public static IEventPublisher CreatePublisher(Func<string, string?> variable)
    {
        var options = new PutEventsOptions();
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            // Each attempt has its own, shorter timeout; this only guards against a request the publisher forgot.
            Timeout = options.AttemptTimeout * 2,
        };
        return PutEventsPublisher.FromEnvironment(http, options, Console.Error, variable);
    }

    /// <summary>
    /// Process start to now. The start time comes from /proc/self/stat, in clock ticks (10 ms on Linux), which
    /// is coarse but the only start that includes the runtime's own start-up.
    /// </summary>
    public static TimeSpan TimeSinceProcessStart()
    {
        using var process = Process.GetCurrentProcess();
        var age = DateTime.Now - process.StartTime;
        return age > TimeSpan.Zero ? age : TimeSpan.Zero;
    }
}
