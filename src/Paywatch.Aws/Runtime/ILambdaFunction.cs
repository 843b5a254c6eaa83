namespace Paywatch.Aws.Runtime;

/// <summary>The function a <see cref="LambdaRuntimeLoop"/> runs: one invocation in, the response body out.</summary>
public interface ILambdaFunction
{
    /// <param name="invocation">The invocation; its payload is valid only until this call completes.</param>
    /// <param name="cancellationToken">Cancelled shortly before the invocation's deadline.</param>
    /// <returns>The response body. It must stay valid until the next call.</returns>
    /// <exception cref="Exception">Anything thrown is reported to Lambda as the invocation's error.</exception>
    ValueTask<ReadOnlyMemory<byte>> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken);
}
