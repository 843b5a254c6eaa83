namespace Paywatch.Aws.Signing;

/// <summary>
/// What Signature Version 4 signs of a request: the method, the path as sent on the wire (before SigV4's own
/// encoding: services other than S3 expect the wire path to be encoded once more in the canonical URI), the query
/// parameters (decoded), the headers to sign (a name may repeat) and the hex SHA-256 of the payload.
/// </summary>
public sealed record SigV4Request(
    string Method,
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string PayloadHash);
