namespace Paywatch.Local.Api;

/// <summary>
/// Writes an AWS API output shape once for two protocols: the JSON protocol (objects, arrays, epoch-second
/// timestamps) and the query protocol (XML elements, lists as <c>&lt;member&gt;</c>, ISO 8601 timestamps).
/// </summary>
internal interface IShapeWriter
{
    /// <summary>A structure: a named member, or a list element when <paramref name="name"/> is null.</summary>
    void StartStructure(string? name);

    void EndStructure();

    void StartList(string name);

    void EndList();

    void String(string name, string? value);

    /// <summary>A string element of a list.</summary>
    void StringMember(string value);

    void Number(string name, double value);

    void Boolean(string name, bool value);

    void Timestamp(string name, DateTimeOffset value);
}
