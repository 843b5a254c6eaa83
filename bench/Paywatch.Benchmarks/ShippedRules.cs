using Paywatch.Patterns;

namespace Paywatch.Benchmarks;

/// <summary>The four rules of config/rules, embedded at build time (BenchmarkDotNet runs from its own folder).</summary>
internal static class ShippedRules
{
    public static IReadOnlyList<RuleDefinition> Load()
    {
        var assembly = typeof(ShippedRules).Assembly;
        return
        [
            .. assembly.GetManifestResourceNames().Where(n => n.StartsWith("rules/", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
                .Select(n =>
                {
                    using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                    return RuleDefinition.Parse(reader.ReadToEnd());
                }),
        ];
    }
}
