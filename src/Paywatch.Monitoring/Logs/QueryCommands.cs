using System.Text.RegularExpressions;

namespace Paywatch.Monitoring.Logs;

/// <summary>One command of a query's pipeline, as parsed.</summary>
internal abstract record QueryCommand;

/// <summary>An expression and the field it writes: <c>expr as name</c>, or the expression's own text.</summary>
internal sealed record NamedExpression(Expression Expression, string Name, int Slot);

/// <summary>A field by name and slot, as <c>display</c>, <c>sort</c> and <c>dedup</c> name them.</summary>
internal sealed record FieldName(string Name, int Slot);

internal sealed record FieldsCommand(IReadOnlyList<NamedExpression> Fields) : QueryCommand;

internal sealed record DisplayCommand(IReadOnlyList<FieldName> Fields) : QueryCommand;

internal sealed record FilterCommand(Expression Condition) : QueryCommand;

internal sealed record StatsCommand(
    IReadOnlyList<NamedExpression> Outputs, IReadOnlyList<NamedExpression> Groups, IReadOnlyList<AggregateExpression> Aggregates) : QueryCommand;

internal sealed record SortKey(FieldName Field, bool Descending);

internal sealed record SortCommand(IReadOnlyList<SortKey> Keys) : QueryCommand;

internal sealed record LimitCommand(int Count) : QueryCommand;

/// <summary><c>parse</c>: the pattern as a regex; each target field takes one capture group.</summary>
internal sealed record ParseCommand(Expression Source, Regex Pattern, IReadOnlyList<ParseTarget> Targets) : QueryCommand;

internal sealed record ParseTarget(int Group, FieldName Field);

internal sealed record DedupCommand(IReadOnlyList<FieldName> Fields) : QueryCommand;
