using System.Text;
using System.Text.Json;

namespace Paywatch.Aws.Tests.Emf;

/// <summary>
/// An independent check of "Specification: Embedded metric format"
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
/// its JSON schema included, written from the specification's text rather than from the writer under test.
/// </summary>
internal static class EmfSpecification
{
    private static readonly HashSet<string> Units =
    [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits",
        "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second",
        "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
        "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    ];

    /// <summary>Returns every rule the document breaks (empty when valid).</summary>
    public static List<string> Violations(string line)
    {
        var violations = new List<string>();
        if (Encoding.UTF8.GetByteCount(line) > 256 * 1024)
        {
            violations.Add("document larger than 256 KB");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            return [$"not a single valid JSON value: {e.Message}"];
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ["root is not an object"];
            }

            if (!root.TryGetProperty("_aws", out var aws) || aws.ValueKind != JsonValueKind.Object)
            {
                return ["_aws metadata object missing"];
            }

            if (!aws.TryGetProperty("Timestamp", out var timestamp) || !timestamp.TryGetInt64(out _))
            {
                violations.Add("_aws.Timestamp missing or not an integer (milliseconds since the epoch)");
            }

            if (!aws.TryGetProperty("CloudWatchMetrics", out var directives) || directives.ValueKind != JsonValueKind.Array)
            {
                violations.Add("_aws.CloudWatchMetrics missing or not an array");
                return violations;
            }

            foreach (var directive in directives.EnumerateArray())
            {
                CheckDirective(root, directive, violations);
            }
        }

        return violations;
    }

    private static void CheckDirective(JsonElement root, JsonElement directive, List<string> violations)
    {
        foreach (var member in directive.EnumerateObject())
        {
            if (member.Name is not ("Namespace" or "Dimensions" or "Metrics"))
            {
                violations.Add($"MetricDirective has an additional member '{member.Name}'");
            }
        }

        if (!directive.TryGetProperty("Namespace", out var ns) || ns.ValueKind != JsonValueKind.String
            || ns.GetString()!.Length is < 1 or > 255)
        {
            violations.Add("Namespace missing or not 1-255 characters");
        }

        if (!directive.TryGetProperty("Dimensions", out var dimensionSets) || dimensionSets.ValueKind != JsonValueKind.Array
            || dimensionSets.GetArrayLength() < 1)
        {
            violations.Add("Dimensions missing, not an array, or empty (minItems 1)");
        }
        else
        {
            foreach (var set in dimensionSets.EnumerateArray())
            {
                if (set.ValueKind != JsonValueKind.Array || set.GetArrayLength() > 30)
                {
                    violations.Add("DimensionSet not an array of at most 30 keys");
                    continue;
                }

                foreach (var key in set.EnumerateArray())
                {
                    var name = key.GetString() ?? string.Empty;
                    if (name.Length is < 1 or > 255)
                    {
                        violations.Add($"dimension reference '{name}' not 1-255 characters");
                    }

                    if (!root.TryGetProperty(name, out var target) || target.ValueKind != JsonValueKind.String)
                    {
                        violations.Add($"dimension target '{name}' missing from the root or not a string");
                    }
                }
            }
        }

        if (!directive.TryGetProperty("Metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Array)
        {
            violations.Add("Metrics missing or not an array");
            return;
        }

        if (metrics.GetArrayLength() > 100)
        {
            violations.Add($"Metrics has {metrics.GetArrayLength()} MetricDefinitions (at most 100)");
        }

        foreach (var definition in metrics.EnumerateArray())
        {
            foreach (var member in definition.EnumerateObject())
            {
                if (member.Name is not ("Name" or "Unit" or "StorageResolution"))
                {
                    violations.Add($"MetricDefinition has an additional member '{member.Name}'");
                }
            }

            var name = definition.TryGetProperty("Name", out var n) ? n.GetString() ?? string.Empty : string.Empty;
            if (name.Length is < 1 or > 255)
            {
                violations.Add($"metric name '{name}' not 1-255 characters");
            }

            if (definition.TryGetProperty("Unit", out var unit) && !Units.Contains(unit.GetString() ?? string.Empty))
            {
                violations.Add($"metric '{name}' has an invalid unit");
            }

            if (!root.TryGetProperty(name, out var target))
            {
                violations.Add($"metric target '{name}' missing from the root");
            }
            else if (target.ValueKind == JsonValueKind.Array)
            {
                if (target.GetArrayLength() > 100)
                {
                    violations.Add($"metric '{name}' has {target.GetArrayLength()} values (at most 100)");
                }

                if (target.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
                {
                    violations.Add($"metric '{name}' has a non-numeric value");
                }
            }
            else if (target.ValueKind != JsonValueKind.Number)
            {
                violations.Add($"metric target '{name}' is neither a number nor an array of numbers");
            }
        }
    }

    /// <summary>A metric's values in one document: one number, or the elements of an array.</summary>
    public static IEnumerable<double> Values(JsonElement root, string metric) =>
        !root.TryGetProperty(metric, out var target) ? []
        : target.ValueKind == JsonValueKind.Array ? target.EnumerateArray().Select(v => v.GetDouble()).ToList()
        : [target.GetDouble()];
}
