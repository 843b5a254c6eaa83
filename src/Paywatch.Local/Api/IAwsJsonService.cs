namespace Paywatch.Local.Api;

/// <summary>
/// One AWS service spoken over the AWS JSON protocol (1.0 or 1.1): <c>POST /</c> with
/// <c>X-Amz-Target: {TargetPrefix}.{Operation}</c> and a JSON body, as the AWS CLI and SDKs send it
/// (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html).
/// </summary>
public interface IAwsJsonService
{
    /// <summary>The target prefix, e.g. <c>Kinesis_20131202</c>, <c>AWSEvents</c>, <c>AmazonSQS</c>.</summary>
    string TargetPrefix { get; }

    /// <summary><c>1.0</c> or <c>1.1</c>: the response's <c>application/x-amz-json-</c> content type; by default the service model's.</summary>
    string JsonVersion => Shapes.ServiceModels.ByTargetPrefix(TargetPrefix)?.JsonVersion ?? "1.1";

    /// <summary>Runs one operation.</summary>
    /// <returns>The response body (a JSON object).</returns>
    /// <exception cref="AwsServiceException">The operation failed as AWS would fail it; an unknown operation included.</exception>
    ValueTask<byte[]> HandleAsync(string operation, ReadOnlyMemory<byte> requestBody, CancellationToken cancellationToken);
}
