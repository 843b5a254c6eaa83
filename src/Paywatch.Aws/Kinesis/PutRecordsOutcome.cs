using Paywatch.Aws.Json11;

namespace Paywatch.Aws.Kinesis;

/// <summary>What one <see cref="KinesisPutRecordsClient.PutRecordsAsync"/> achieved.</summary>
/// <param name="Acknowledged">Records the stream accepted (each with a sequence number).</param>
/// <param name="Failed">Indexes of records still refused after the retries, with the last error code.</param>
/// <param name="Retried">Record sends repeated because the stream refused them (throttling, internal failure).</param>
/// <param name="Requests">PutRecords calls made.</param>
public sealed record PutRecordsOutcome(int Acknowledged, IReadOnlyList<(int Index, string ErrorCode)> Failed, int Retried, int Requests)
{
    /// <summary>The last error of a whole request (nothing listening, DNS, TLS, an HTTP status), which says why records failed with its type.</summary>
    public AwsJsonError? LastRequestError { get; init; }
}
