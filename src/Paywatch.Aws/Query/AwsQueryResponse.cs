using System.Xml.Linq;
using Paywatch.Aws.Json11;

namespace Paywatch.Aws.Query;

/// <summary>A query-protocol call's outcome: the <c>{Action}Result</c> element of a 2xx response, or the error.</summary>
public sealed record AwsQueryResponse(int StatusCode, XElement? Result, AwsJsonError? Error)
{
    public bool IsSuccess => Error is null;

    /// <summary>The descendants of <paramref name="element"/> named <paramref name="localName"/> (any namespace), in document order.</summary>
    public static IEnumerable<XElement> Descendants(XElement element, string localName)
    {
        ArgumentNullException.ThrowIfNull(element);
        return element.Descendants().Where(e => e.Name.LocalName == localName);
    }

    /// <summary>The text of the first child of <paramref name="element"/> named <paramref name="localName"/>, or null.</summary>
    public static string? Child(XElement element, string localName)
    {
        ArgumentNullException.ThrowIfNull(element);
        return element.Elements().FirstOrDefault(e => e.Name.LocalName == localName)?.Value;
    }
}
