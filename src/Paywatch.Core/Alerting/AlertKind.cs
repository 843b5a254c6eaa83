namespace Paywatch.Core.Alerting;

/// <summary>
/// The incidents a transaction can raise, one per routing rule. A transaction's routed event names the ones it is
/// notified for in its <c>alert</c> field, and each rule in <c>config/rules</c> matches its own kind there.
/// </summary>
[Flags]
public enum AlertKind
{
    None = 0,

    /// <summary>An approved amount over the high-value threshold: every one is an incident.</summary>
    HighValue = 1,

    /// <summary>An approved transaction scored as suspected fraud: every one is an incident.</summary>
    Fraud = 2,

    /// <summary>An entity's count first exceeding the velocity threshold in the window.</summary>
    Velocity = 4,

    /// <summary>The first FAILED or ERROR record of an error code in the window.</summary>
    Failed = 8,
}

public static class AlertKinds
{
    /// <summary>The kinds in the order alerts and summaries list them.</summary>
    public static IReadOnlyList<AlertKind> All { get; } = [AlertKind.HighValue, AlertKind.Fraud, AlertKind.Velocity, AlertKind.Failed];

    /// <summary>The name in events and in the rules' patterns: <c>high-value</c>, <c>fraud</c>, <c>velocity</c>, <c>failed</c>.</summary>
    public static string ToWireName(this AlertKind kind) => kind switch
    {
        AlertKind.HighValue => "high-value",
        AlertKind.Fraud => "fraud",
        AlertKind.Velocity => "velocity",
        AlertKind.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a single alert kind."),
    };

    /// <summary>The kind's position in <see cref="All"/>.</summary>
    internal static int Index(this AlertKind kind) => System.Numerics.BitOperations.Log2((uint)kind);
}
