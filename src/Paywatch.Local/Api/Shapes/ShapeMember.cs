namespace Paywatch.Local.Api.Shapes;

/// <summary>
/// A reference to a shape from a structure member, a list element or a map key or value, with the serialization
/// traits the reference carries (<c>locationName</c> for the wire name, <c>flattened</c>, <c>timestampFormat</c>, and
/// for restJson the HTTP <c>location</c>: <c>uri</c>, <c>querystring</c>, <c>header</c>).
/// </summary>
internal sealed record ShapeMember(string Name, Shape Target, string? LocationName, bool Flattened, string? TimestampFormat, string? Location)
{
    /// <summary>The name on the wire: the member's <c>locationName</c>, or its name.</summary>
    public string WireName => LocationName ?? Name;

    public bool IsFlattened => Flattened || Target.Flattened;

    public string? TimestampFormatOrShapes => TimestampFormat ?? Target.TimestampFormat;
}
