using System.Globalization;
using System.Xml;

namespace Paywatch.Local.Api;

/// <summary>The query protocol's XML serialization: list elements as <c>member</c>, ISO 8601 timestamps (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html).</summary>
internal sealed class XmlShapeWriter(XmlWriter writer) : IShapeWriter
{
    public void StartStructure(string? name) => writer.WriteStartElement(name ?? "member");

    public void EndStructure() => writer.WriteEndElement();

    public void StartList(string name) => writer.WriteStartElement(name);

    public void EndList() => writer.WriteEndElement();

    public void String(string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteElementString(name, value);
        }
    }

    public void StringMember(string value) => writer.WriteElementString("member", value);

    public void Number(string name, double value) => writer.WriteElementString(name, value.ToString("R", CultureInfo.InvariantCulture));

    public void Boolean(string name, bool value) => writer.WriteElementString(name, value ? "true" : "false");

    public void Timestamp(string name, DateTimeOffset value) =>
        writer.WriteElementString(name, value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
