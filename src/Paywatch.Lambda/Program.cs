using System.Runtime.InteropServices;
using Paywatch.Aws.Emf;
using Paywatch.Aws.Runtime;
using Paywatch.Core.Routing;
using Paywatch.Core.Telemetry;
using Paywatch.Function;
using Paywatch.Lambda;
using Paywatch.Patterns;

// The custom runtime's entry point: build the function once per execution environment, then loop over
// invocations. A failure to start is posted to /runtime/init/error, so the deployment fails with the reason.
using var stderr = Console.OpenStandardError();
if (Environment.GetEnvironmentVariable(RuntimeApiClient.EndpointVariable) is not { Length: > 0 } endpoint)
{
    stderr.Write("bootstrap: AWS_LAMBDA_RUNTIME_API is not set; this binary runs as a Lambda custom runtime.\n"u8);
    return 2;
}

using var client = new RuntimeApiClient(endpoint);
using var stopping = new CancellationTokenSource();
// Lambda sends SIGTERM before it shuts an environment down; finish the current invocation's post and stop.
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stopping.Cancel();
});

using var stdout = Console.OpenStandardOutput();
TransactionFunction function;
FunctionTracing? tracing = null;
try
{
    var settings = FunctionSettings.FromEnvironment(Environment.GetEnvironmentVariable);
    tracing = LambdaServices.CreateTracing(settings, Environment.GetEnvironmentVariable);
    function = new TransactionFunction(
        settings,
        RuleSet.Compile(RuleDefinition.LoadResources(typeof(LambdaServices).Assembly)),
        LambdaServices.CreatePublisher(Environment.GetEnvironmentVariable),
        new EmfMetricsWriter(stdout),
        new StreamLogWriter(stdout),
        tracing,
        TimeProvider.System,
        LambdaServices.TimeSinceProcessStart());
}
#pragma warning disable CA1031 // Whatever stops the start-up is reported to Lambda as the init error.
catch (Exception e)
#pragma warning restore CA1031
{
    var error = RuntimeError.FromException(e);
    stderr.Write(System.Text.Encoding.UTF8.GetBytes($"bootstrap: cannot start: {error.ErrorType}: {error.ErrorMessage}\n"));
    await client.PostInitErrorAsync(error, CancellationToken.None).ConfigureAwait(false);
    tracing?.Dispose();
    return 1;
}

using (tracing)
using (function)
{
    try
    {
        await new LambdaRuntimeLoop(client, function, TimeProvider.System, stderr).RunAsync(stopping.Token).ConfigureAwait(false);
    }
    catch (Exception e) when (e is RuntimeApiException or HttpRequestException)
    {
        // Without the Runtime API there is nothing to report to: exit, and Lambda starts a new environment.
        stderr.Write(System.Text.Encoding.UTF8.GetBytes($"bootstrap: the Runtime API failed: {e.Message}\n"));
        return 1;
    }
}

return 0;
