using System.Text.Json;
using Paywatch.Aws.Json11;

namespace Paywatch.Cli.Verify;

/// <summary>
/// Runs every check on a deployment in order: the deployment's parts (<see cref="DeploymentChecks"/>), then, once the
/// event source mapping is Enabled, the samples through it (<see cref="SampleRun"/>). One deadline bounds it all.
/// </summary>
internal sealed class Verifier(AwsApis apis, VerifyTarget target, TimeProvider time, TimeSpan timeout, TimeSpan pollInterval)
{
    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        var results = new List<CheckResult>();
        var (stream, streamArn) = await GuardAsync(DeploymentChecks.Stream, () => DeploymentChecks.StreamAsync(apis, target, cancellationToken), r => (r, null)).ConfigureAwait(false);
        results.Add(stream);

        string? mappingState = null;
        if (streamArn is null)
        {
            results.Add(CheckResult.Fail(DeploymentChecks.EventSourceMapping, "not checked: the stream was not found"));
        }
        else
        {
            // A mapping Terraform just created is Creating, then Enabling: records sent before it is Enabled are never
            // read (it starts at LATEST), so wait for it.
            CheckResult mapping;
            while (true)
            {
                (mapping, mappingState) = await GuardAsync(
                    DeploymentChecks.EventSourceMapping, () => DeploymentChecks.EventSourceMappingAsync(apis, target, streamArn, cancellationToken), r => (r, null)).ConfigureAwait(false);
                if (!DeploymentChecks.IsTransitional(mappingState) || time.GetUtcNow() >= deadline)
                {
                    break;
                }

                await Task.Delay(pollInterval, time, cancellationToken).ConfigureAwait(false);
            }

            results.Add(mapping);
        }

        results.Add(await GuardAsync(DeploymentChecks.Subscriptions, () => DeploymentChecks.SubscriptionsAsync(apis, target, cancellationToken), r => r).ConfigureAwait(false));
        results.Add(await GuardAsync(DeploymentChecks.RoutingRules, () => DeploymentChecks.RoutingRulesAsync(apis, target, cancellationToken), r => r).ConfigureAwait(false));
        results.Add(await GuardAsync(DeploymentChecks.Alarms, () => DeploymentChecks.AlarmsAsync(apis, target, cancellationToken), r => r).ConfigureAwait(false));

        if (!stream.Passed || mappingState != "Enabled")
        {
            results.Add(CheckResult.Fail(SampleRun.Sent, stream.Passed
                ? "not sent: the event source mapping is not Enabled, and it starts at LATEST, so the records would never be read"
                : "not sent: the stream is not ACTIVE"));
            return results;
        }

        var run = new SampleRun(apis, target, time, pollInterval);
        results.AddRange(await GuardAsync(SampleRun.Sent, () => run.RunAsync(deadline, cancellationToken), r => (IReadOnlyList<CheckResult>)[r]).ConfigureAwait(false));
        return results;
    }

    /// <summary>Runs a check; an AWS error or an answer of an unexpected shape fails it with the reason instead of ending the run.</summary>
    private static async Task<T> GuardAsync<T>(string check, Func<Task<T>> run, Func<CheckResult, T> failed)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Exception e) when (e is AwsRequestException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            var reason = e is AwsRequestException ? e.Message : $"unexpected answer ({e.GetType().Name}): {e.Message}";
            return failed(CheckResult.Fail(check, reason));
        }
    }
}
