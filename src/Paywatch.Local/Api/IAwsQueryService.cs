namespace Paywatch.Local.Api;

/// <summary>
/// One AWS service spoken over the AWS query protocol: a form-encoded <c>POST /</c> with <c>Action=...</c>, an XML
/// response (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html). Requests are routed to it by the service
/// name of their SigV4 credential scope (<c>.../monitoring/aws4_request</c>).
/// </summary>
public interface IAwsQueryService
{
    /// <summary>The SigV4 signing name, e.g. <c>monitoring</c> for CloudWatch.</summary>
    string SigningName { get; }

    /// <summary>The XML namespace of responses, e.g. <c>http://monitoring.amazonaws.com/doc/2010-08-01/</c>.</summary>
    string XmlNamespace { get; }

    /// <returns>The XML response document.</returns>
    /// <exception cref="AwsServiceException">The action failed as AWS would fail it.</exception>
    ValueTask<string> HandleAsync(string action, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken);
}
