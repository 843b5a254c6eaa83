using System.Text.Json;
using Paywatch.Monitoring;

namespace Paywatch.Local.Bus;

/// <summary>
/// The rules' targets from <c>config/targets</c>, one file per rule in PutTargets shape (<c>Rule</c>, and <c>Targets</c>
/// with <c>Id</c>, <c>Arn</c> and <c>InputTransformer</c>), filled as Terraform's <c>templatefile</c> fills them: the files
/// infra/eventbridge.tf deploys, so the twin's alert text is the text AWS sends.
/// </summary>
public static class RuleTargets
{
    /// <summary>Reads every target file of <paramref name="config"/>; returns each rule's target by rule name.</summary>
    /// <remarks>
    /// A target may name any ARN, as PutTargets allows; the twin's bus delivers only to its alerts topic, so a target
    /// naming another (a topic since deleted, a typo) fails each invocation as EventBridge's would, counted in
    /// FailedInvocations and watched by the routing-failures alarm.
    /// </remarks>
    /// <exception cref="InvalidDataException">A file is not that shape or names a rule twice.</exception>
    public static IReadOnlyDictionary<string, RuleTarget> Load(ConfigDirectory config, IReadOnlyDictionary<string, string> templateValues)
    {
        ArgumentNullException.ThrowIfNull(config);
        var targets = new Dictionary<string, RuleTarget>(StringComparer.Ordinal);
        foreach (var path in config.Targets.Select(config.PathOf))
        {
            var (rule, target) = Parse(ConfigTemplate.Fill(File.ReadAllText(path), templateValues), Path.GetFileName(path));
            if (!targets.TryAdd(rule, target))
            {
                throw new InvalidDataException($"{Path.GetFileName(path)}: rule {rule} already has a target in another file.");
            }
        }

        return targets;
    }

    private static (string Rule, RuleTarget Target) Parse(string json, string file)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var rule = root.GetProperty("Rule").GetString();
            var targets = root.GetProperty("Targets");
            if (string.IsNullOrEmpty(rule) || targets.GetArrayLength() != 1)
            {
                throw new InvalidDataException($"{file}: a target file names its Rule and has exactly one of Targets.");
            }

            var target = targets[0];
            var transformer = target.GetProperty("InputTransformer");
            var paths = transformer.GetProperty("InputPathsMap").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
            return (rule, new RuleTarget(
                target.GetProperty("Id").GetString() ?? "",
                target.GetProperty("Arn").GetString() ?? "",
                new InputTransformer(paths, transformer.GetProperty("InputTemplate").GetString() ?? "")));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"{file}: not a PutTargets target ({e.Message}).", e);
        }
    }
}
