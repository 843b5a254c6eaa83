using System.Text.Json;

namespace Paywatch.Local.Api;

/// <summary>The JSON protocol's serialization: timestamps as epoch seconds (https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html).</summary>
internal sealed class JsonShapeWriter(Utf8JsonWriter writer) : IShapeWriter
{
    public void StartStructure(string? name)
    {
        if (name is null)
        {
            writer.WriteStartObject();
        }
        else
        {
            writer.WriteStartObject(name);
        }
    }

    public void EndStructure() => writer.WriteEndObject();

    public void StartList(string name) => writer.WriteStartArray(name);

    public void EndList() => writer.WriteEndArray();

    public void String(string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    public void StringMember(string value) => writer.WriteStringValue(value);

    public void Number(string name, double value) => writer.WriteNumber(name, value);

    public void Boolean(string name, bool value) => writer.WriteBoolean(name, value);

    public void Timestamp(string name, DateTimeOffset value) => writer.WriteNumber(name, value.ToUnixTimeMilliseconds() / 1000.0);
}
