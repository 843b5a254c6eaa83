using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace Paywatch.Local.Api;

/// <summary>
/// Serves a JSON-protocol operation over the query protocol (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html):
/// the form parameters become the JSON request (<c>A.member.N</c> a list, <c>A.B</c> a structure; the members named in
/// <see cref="Numbers"/> and <see cref="Booleans"/> typed, the rest strings), and the JSON answer becomes the XML
/// response (lists as <c>member</c> elements, timestamps as ISO 8601). CloudWatch's query protocol and its JSON
/// protocol share one model, so one implementation answers both.
/// </summary>
internal sealed class QueryProtocolBridge(IReadOnlySet<string> numbers, IReadOnlySet<string> booleans, IReadOnlySet<string> timestamps, IReadOnlySet<string> maps)
{
    /// <summary>Members whose values are numbers.</summary>
    public IReadOnlySet<string> Numbers { get; } = numbers;

    /// <summary>Members whose values are booleans.</summary>
    public IReadOnlySet<string> Booleans { get; } = booleans;

    /// <summary>Output members holding epoch seconds, written as ISO 8601 (a list's name stands for its members).</summary>
    public IReadOnlySet<string> Timestamps { get; } = timestamps;

    /// <summary>Output members that are maps, written as <c>entry</c> elements of <c>key</c> and <c>value</c>.</summary>
    public IReadOnlySet<string> Maps { get; } = maps;

    public byte[] ToJson(IReadOnlyDictionary<string, string> parameters)
    {
        var root = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters)
        {
            if (name is "Action" or "Version")
            {
                continue;
            }

            Insert(root, name.Split('.'), 0, value, null);
        }

        return AwsJsonBody.Write(w =>
        {
            foreach (var (name, value) in root)
            {
                w.WritePropertyName(name);
                WriteNode(w, value);
            }
        });
    }

    public string ToXml(string action, byte[] json, string xmlNamespace)
    {
        using var document = JsonDocument.Parse(json);
        var output = new StringBuilder();
        using (var xml = XmlWriter.Create(output, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            xml.WriteStartElement(action + "Response", xmlNamespace);
            xml.WriteStartElement(action + "Result");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                WriteElement(xml, property.Name, property.Value, Timestamps.Contains(property.Name));
            }

            xml.WriteEndElement();
            xml.WriteStartElement("ResponseMetadata");
            xml.WriteElementString("RequestId", Guid.NewGuid().ToString());
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        return output.ToString();
    }

    // A.member.2.B=x: A is a list whose second element is a structure with B = x.
    private void Insert(SortedDictionary<string, object> structure, string[] path, int at, string value, string? owner)
    {
        var name = path[at];
        if (at == path.Length - 1)
        {
            structure[name] = Leaf(name, value);
            return;
        }

        if (path[at + 1] == "member" && at + 2 < path.Length && int.TryParse(path[at + 2], NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index >= 1)
        {
            var list = structure.TryGetValue(name, out var existing) && existing is SortedDictionary<int, object> l ? l : new SortedDictionary<int, object>();
            structure[name] = list;
            if (at + 3 == path.Length)
            {
                list[index] = Leaf(name, value);
            }
            else
            {
                var element = list.TryGetValue(index, out var e) && e is SortedDictionary<string, object> s ? s : new SortedDictionary<string, object>(StringComparer.Ordinal);
                list[index] = element;
                Insert(element, path, at + 3, value, name);
            }

            return;
        }

        var child = structure.TryGetValue(name, out var found) && found is SortedDictionary<string, object> c ? c : new SortedDictionary<string, object>(StringComparer.Ordinal);
        structure[name] = child;
        Insert(child, path, at + 1, value, owner);
    }

    private object Leaf(string name, string value) =>
        Numbers.Contains(name) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number
        : Booleans.Contains(name) && bool.TryParse(value, out var flag) ? flag
        : value;

    private static void WriteNode(Utf8JsonWriter w, object node)
    {
        switch (node)
        {
            case SortedDictionary<string, object> structure:
                w.WriteStartObject();
                foreach (var (name, value) in structure)
                {
                    w.WritePropertyName(name);
                    WriteNode(w, value);
                }

                w.WriteEndObject();
                break;
            case SortedDictionary<int, object> list:
                w.WriteStartArray();
                foreach (var value in list.Values)
                {
                    WriteNode(w, value);
                }

                w.WriteEndArray();
                break;
            case double number:
                w.WriteNumberValue(number);
                break;
            case bool flag:
                w.WriteBooleanValue(flag);
                break;
            default:
                w.WriteStringValue((string)node);
                break;
        }
    }

    private void WriteElement(XmlWriter xml, string name, JsonElement value, bool timestamp)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when Maps.Contains(name):
                xml.WriteStartElement(name);
                foreach (var property in value.EnumerateObject())
                {
                    xml.WriteStartElement("entry");
                    xml.WriteElementString("key", property.Name);
                    WriteElement(xml, "value", property.Value, timestamp: false);
                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
                break;
            case JsonValueKind.Object:
                xml.WriteStartElement(name);
                foreach (var property in value.EnumerateObject())
                {
                    WriteElement(xml, property.Name, property.Value, Timestamps.Contains(property.Name));
                }

                xml.WriteEndElement();
                break;
            case JsonValueKind.Array:
                xml.WriteStartElement(name);
                foreach (var item in value.EnumerateArray())
                {
                    WriteElement(xml, "member", item, timestamp);
                }

                xml.WriteEndElement();
                break;
            case JsonValueKind.Number when timestamp:
                xml.WriteElementString(name, DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(value.GetDouble() * 1000)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.Number:
                xml.WriteElementString(name, value.GetDouble().ToString("R", CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.True or JsonValueKind.False:
                xml.WriteElementString(name, value.GetBoolean() ? "true" : "false");
                break;
            case JsonValueKind.String:
                xml.WriteElementString(name, value.GetString());
                break;
            default:
                break;
        }
    }
}
