namespace Paywatch.Local.Api.Shapes;

/// <summary>
/// One shape of an AWS service model (botocore's <c>service-2.json</c>, https://smithy.io/2.0/spec/model.html): its
/// type, its members, list element or map key and value, and the constraints AWS validates input against.
/// </summary>
internal sealed class Shape
{
    public Shape(string name, string type)
    {
        Name = name;
        Type = type;
    }

    public string Name { get; }

    /// <summary><c>structure</c>, <c>list</c>, <c>map</c>, <c>string</c>, <c>integer</c>, <c>long</c>, <c>double</c>, <c>float</c>, <c>boolean</c>, <c>timestamp</c>, <c>blob</c>.</summary>
    public string Type { get; }

    /// <summary>A structure's members, in the model's order.</summary>
    public IReadOnlyList<ShapeMember> Members { get; set; } = [];

    /// <summary>A list's element, or a map's key and value.</summary>
    public ShapeMember? Member { get; set; }

    public ShapeMember? Key { get; set; }

    public ShapeMember? Value { get; set; }

    public IReadOnlySet<string> Required { get; set; } = new HashSet<string>();

    /// <summary>The length (strings, lists, maps, blobs) or value (numbers) bounds.</summary>
    public double? Min { get; set; }

    public double? Max { get; set; }

    public IReadOnlyList<string> Enum { get; set; } = [];

    /// <summary>A string's <c>pattern</c>, or null.</summary>
    public ShapePattern? Pattern { get; set; }

    /// <summary>Query/XML: a list or map written without its wrapping element.</summary>
    public bool Flattened { get; set; }

    /// <summary><c>iso8601</c>, <c>epoch-seconds</c> or <c>rfc822</c>; the protocol's default when null.</summary>
    public string? TimestampFormat { get; set; }

    public ShapeMember? FindMember(string name)
    {
        foreach (var member in Members)
        {
            if (member.Name == name)
            {
                return member;
            }
        }

        return null;
    }

    public bool IsNumber => Type is "integer" or "long" or "double" or "float";

    public bool IsInteger => Type is "integer" or "long";
}
