using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using Paywatch.Local.Api.Shapes;

namespace Paywatch.Local.Api.Protocols;

/// <summary>
/// The AWS query protocol (https://smithy.io/2.0/aws/protocols/aws-query-protocol.html), driven by the operation's
/// shapes: form parameters (<c>A.member.N</c> lists, <c>A.entry.N.key</c> maps, <c>A.B</c> structures, flattened and
/// <c>locationName</c> as the model says) are read into the neutral request, and the neutral response is written as
/// <c>&lt;{Operation}Response&gt;&lt;{resultWrapper}&gt;</c> XML with ISO 8601 timestamps.
/// </summary>
internal static class QueryCodec
{
    /// <summary>The form as the neutral request (the JSON protocol's document: timestamps as epoch seconds).</summary>
    /// <remarks>A value that does not parse as its shape's type stays a string, for <see cref="ShapeValidator"/> to refuse.</remarks>
    public static byte[] ReadRequest(Shape? input, IReadOnlyDictionary<string, string> form)
    {
        // Every prefix of every parameter name, so that "is anything under A.member.3?" is one look-up.
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in form.Keys)
        {
            for (var dot = name.IndexOf('.'); dot > 0; dot = name.IndexOf('.', dot + 1))
            {
                prefixes.Add(name[..dot]);
            }
        }

        return NeutralValue.Write(writer =>
        {
            writer.WriteStartObject();
            if (input is not null)
            {
                ReadMembers(input, "", form, prefixes, writer, depth: 1);
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>The neutral response as the operation's XML document.</summary>
    public static string WriteResponse(OperationModel operation, ReadOnlyMemory<byte> response, string xmlNamespace, string requestId)
    {
        using var document = AwsJsonBody.Parse(response);
        var output = new StringBuilder();
        using (var xml = XmlWriter.Create(output, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            xml.WriteStartElement(operation.Name + "Response", xmlNamespace);
            // An operation without output (PutMetricData) still answers an empty result element, which SDKs skip.
            xml.WriteStartElement(operation.ResultWrapper ?? operation.Name + "Result");
            if (operation.Output is { } shape)
            {
                WriteMembers(xml, shape, document.RootElement);
            }

            xml.WriteEndElement();

            xml.WriteStartElement("ResponseMetadata");
            xml.WriteElementString("RequestId", requestId);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        return output.ToString();
    }

    private static void ReadMembers(Shape structure, string prefix, IReadOnlyDictionary<string, string> form, HashSet<string> prefixes, Utf8JsonWriter writer, int depth)
    {
        foreach (var member in structure.Members)
        {
            var key = prefix + member.WireName;
            if (form.ContainsKey(key) || prefixes.Contains(key))
            {
                writer.WritePropertyName(member.Name);
                ReadValue(member, key, form, prefixes, writer, depth + 1);
            }
        }
    }

    private static void ReadValue(ShapeMember member, string key, IReadOnlyDictionary<string, string> form, HashSet<string> prefixes, Utf8JsonWriter writer, int depth)
    {
        if (depth > RequestLimits.MaxDepth)
        {
            throw new AwsServiceException("SerializationException", $"The request nests deeper than {RequestLimits.MaxDepth} levels.");
        }

        var shape = member.Target;
        switch (shape.Type)
        {
            case "structure":
                writer.WriteStartObject();
                ReadMembers(shape, key + ".", form, prefixes, writer, depth);
                writer.WriteEndObject();
                break;
            case "list":
                // "A.member.N", or "A.N" flattened; "A=" alone is the empty list.
                var element = member.IsFlattened ? key : $"{key}.{shape.Member!.LocationName ?? "member"}";
                writer.WriteStartArray();
                for (var i = 1; form.ContainsKey($"{element}.{i}") || prefixes.Contains($"{element}.{i}"); i++)
                {
                    ReadValue(shape.Member!, $"{element}.{i}", form, prefixes, writer, depth + 1);
                }

                writer.WriteEndArray();
                break;
            case "map":
                var entry = member.IsFlattened ? key : $"{key}.entry";
                writer.WriteStartObject();
                for (var i = 1; form.TryGetValue($"{entry}.{i}.{shape.Key!.LocationName ?? "key"}", out var name); i++)
                {
                    writer.WritePropertyName(name);
                    ReadValue(shape.Value!, $"{entry}.{i}.{shape.Value!.LocationName ?? "value"}", form, prefixes, writer, depth + 1);
                }

                writer.WriteEndObject();
                break;
            default:
                WriteScalar(shape, form.GetValueOrDefault(key) ?? "", writer);
                break;
        }
    }

    private static void WriteScalar(Shape shape, string text, Utf8JsonWriter writer)
    {
        if (shape.IsInteger && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumberValue(integer);
        }
        else if (shape.IsNumber && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else if (shape.Type == "boolean" && bool.TryParse(text, out var flag))
        {
            writer.WriteBooleanValue(flag);
        }
        else if (shape.Type == "timestamp" && Timestamps.TryParse(text, out var time))
        {
            writer.WriteNumberValue(Timestamps.EpochSeconds(time));
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    private static void WriteMembers(XmlWriter xml, Shape structure, JsonElement value)
    {
        foreach (var member in structure.Members)
        {
            if (value.TryGetProperty(member.Name, out var memberValue) && memberValue.ValueKind != JsonValueKind.Null)
            {
                WriteValue(xml, member.WireName, member, memberValue);
            }
        }
    }

    private static void WriteValue(XmlWriter xml, string name, ShapeMember member, JsonElement value)
    {
        var shape = member.Target;
        switch (shape.Type)
        {
            case "structure" when value.ValueKind == JsonValueKind.Object:
                xml.WriteStartElement(name);
                WriteMembers(xml, shape, value);
                xml.WriteEndElement();
                break;
            case "list" when value.ValueKind == JsonValueKind.Array:
                var flattened = member.IsFlattened;
                if (!flattened)
                {
                    xml.WriteStartElement(name);
                }

                foreach (var item in value.EnumerateArray())
                {
                    WriteValue(xml, flattened ? shape.Member!.LocationName ?? name : shape.Member!.LocationName ?? "member", shape.Member!, item);
                }

                if (!flattened)
                {
                    xml.WriteEndElement();
                }

                break;
            case "map" when value.ValueKind == JsonValueKind.Object:
                if (!member.IsFlattened)
                {
                    xml.WriteStartElement(name);
                }

                foreach (var property in value.EnumerateObject())
                {
                    xml.WriteStartElement(member.IsFlattened ? name : "entry");
                    xml.WriteElementString(shape.Key!.LocationName ?? "key", property.Name);
                    WriteValue(xml, shape.Value!.LocationName ?? "value", shape.Value!, property.Value);
                    xml.WriteEndElement();
                }

                if (!member.IsFlattened)
                {
                    xml.WriteEndElement();
                }

                break;
            default:
                xml.WriteElementString(name, Scalar(member, value));
                break;
        }
    }

    private static string Scalar(ShapeMember member, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when member.Target.Type == "timestamp" => Timestamps.Format(Timestamps.FromEpochSeconds(value.GetDouble()), member.TimestampFormatOrShapes ?? "iso8601"),
        JsonValueKind.Number when member.Target.IsInteger && value.TryGetInt64(out var integer) => integer.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.Number => value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.String => value.GetString()!,
        _ => value.GetRawText(),
    };
}
