using Paywatch.Patterns;

namespace Paywatch.Benchmarks;

/// <summary>The four rules of config/rules, embedded at build time (BenchmarkDotNet runs from its own folder).</summary>
internal static class ShippedRules
{
    public static IReadOnlyList<RuleDefinition> Load() => RuleDefinition.LoadResources(typeof(ShippedRules).Assembly);
}
