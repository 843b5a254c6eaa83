using System.Xml;
using System.Xml.Linq;
using Paywatch.Aws.Json11;
using Paywatch.Aws.Signing;

namespace Paywatch.Aws.Query;

/// <summary>
/// A minimal AWS query protocol client (SNS, CloudWatch): <c>POST /</c> of a form, <c>Action</c>, <c>Version</c> and
/// the operation's parameters, signed with Signature Version 4; the response is XML, <c>{Action}Response</c> holding
/// <c>{Action}Result</c> (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html). Errors come back as values, as
/// from <see cref="AwsJsonClient"/>.
/// </summary>
public sealed class AwsQueryClient
{
    public const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";

    private readonly SignedRequestSender _sender;

    /// <param name="version">The service's API version, e.g. <c>2010-03-31</c> for SNS, <c>2010-08-01</c> for CloudWatch.</param>
    public AwsQueryClient(HttpClient http, SigV4Signer signer, Uri endpoint, string version, TimeProvider? time = null)
    {
        _sender = new SignedRequestSender(http, signer, endpoint, time);
        ArgumentException.ThrowIfNullOrEmpty(version);
        Version = version;
    }

    public Uri Endpoint => _sender.Endpoint;

    public string Version { get; }

    /// <summary>A list parameter as the query protocol flattens it: <c>{name}.member.1</c>, <c>{name}.member.2</c>, ….</summary>
    public static IEnumerable<KeyValuePair<string, string>> ListMembers(string name, IEnumerable<string> values) =>
        values.Select((value, i) => KeyValuePair.Create($"{name}.member.{i + 1}", value));

    /// <summary>Calls <paramref name="action"/> with <paramref name="parameters"/> (flattened names, decoded values).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<AwsQueryResponse> SendAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(action);
        ArgumentNullException.ThrowIfNull(parameters);
        var form = string.Join('&',
            new[] { KeyValuePair.Create("Action", action), KeyValuePair.Create("Version", Version) }.Concat(parameters)
                .Select(p => SigV4Signer.UriEncode(p.Key) + "=" + SigV4Signer.UriEncode(p.Value)));
        var response = await _sender.SendAsync(
            HttpMethod.Post, "/", [], ContentType, [], Encoding.UTF8.GetBytes(form), AwsQueryErrors.Parse, cancellationToken).ConfigureAwait(false);
        if (response.Error is { } error)
        {
            return new AwsQueryResponse(response.StatusCode, null, error);
        }

        try
        {
            var root = XDocument.Parse(Encoding.UTF8.GetString(response.Body)).Root!;
            var result = root.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Result") ?? root;
            return new AwsQueryResponse(response.StatusCode, result, null);
        }
        catch (XmlException e)
        {
            return new AwsQueryResponse(
                response.StatusCode, null, new AwsJsonError("MalformedResponse", $"{action} answered with XML that does not parse: {e.Message}", response.StatusCode, IsRetryable: false));
        }
    }
}
