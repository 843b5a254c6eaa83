namespace Paywatch.Local.Api.Protocols;

internal enum ShapeViolationKind
{
    /// <summary>A required member is missing or null.</summary>
    Missing,

    /// <summary>An enum, length or range constraint is broken.</summary>
    Constraint,

    /// <summary>The value is not of the shape's type (a string where a number is due), or a member the shape does not have.</summary>
    Type,
}
