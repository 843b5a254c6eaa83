namespace Paywatch.Aws.Signing;

/// <summary>
/// The result of signing, with the intermediate strings the Signature Version 4 test suite publishes
/// (canonical request, string to sign), so each step can be checked on its own.
/// </summary>
/// <param name="AmzDate">The <c>X-Amz-Date</c> header value the signature covers.</param>
/// <param name="SecurityToken">The <c>X-Amz-Security-Token</c> header value it covers, for temporary credentials.</param>
public sealed record SigV4Signature(
    string CanonicalRequest,
    string StringToSign,
    string Signature,
    string Authorization,
    string AmzDate,
    string? SecurityToken);
