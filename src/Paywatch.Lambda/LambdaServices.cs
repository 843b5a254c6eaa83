using System.Diagnostics;
using Paywatch.Core.Routing;

namespace Paywatch.Lambda;

/// <summary>The function's adapters to AWS, built from the environment Lambda provides.</summary>
internal static class LambdaServices
{
    public static IEventPublisher CreatePublisher(LambdaSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        throw new NotSupportedException("The EventBridge PutEvents client is not wired into the Lambda host yet.");
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
