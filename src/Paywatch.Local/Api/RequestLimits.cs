namespace Paywatch.Local.Api;

/// <summary>
/// How much the endpoint reads of one request, and how deep it lets a body nest, per protocol. A body past a limit is
/// answered with a 4xx in its protocol's error shape; no body can make a parser recurse without bound or allocate
/// more than its limit.
/// </summary>
public static class RequestLimits
{
    /// <summary>
    /// Nesting of JSON and CBOR bodies (objects, arrays and, in CBOR, tags). No AWS request the twin serves nests
    /// more than a few levels; 64 is System.Text.Json's own default.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// AWS JSON 1.0/1.1 bodies: PutRecords carries up to 5 MiB of records, base64-encoded (4/3) inside JSON
    /// (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html).
    /// </summary>
    public const int MaxJsonBodyBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Query-protocol and RPC v2 CBOR bodies (CloudWatch): "Each PutMetricData request is limited to 1 MB"
    /// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html), the largest
    /// CloudWatch request.
    /// </summary>
    public const int MaxCloudWatchBodyBytes = 1024 * 1024;

    /// <summary>restJson bodies (Lambda, X-Ray): a few settings, ids and times; only UpdateEventSourceMapping and X-Ray's queries have one.</summary>
    public const int MaxRestJsonBodyBytes = 64 * 1024;

    /// <summary>The web UI's JSON API: widget definitions and message ids, a few KiB at most.</summary>
    public const int MaxWebApiBodyBytes = 1024 * 1024;
}
