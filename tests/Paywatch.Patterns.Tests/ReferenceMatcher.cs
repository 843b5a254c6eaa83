using System.Text.Json;
using Paywatch.Patterns;

namespace Paywatch.Patterns.Tests;

/// <summary>
/// The pattern semantics written the plain way, to check the compiled engine against: flatten the event into
/// every leaf value with its dotted path and the array elements around it, then try every combination of one
/// value per condition. No indexes, no counting, no shared predicates.
/// </summary>
internal static class ReferenceMatcher
{
    public static bool Matches(EventPattern pattern, string eventJson)
    {
        using var document = JsonDocument.Parse(eventJson);
        var leaves = new List<Leaf>();
        Flatten(document.RootElement, "", "$", [], leaves);
        return pattern.Branches.Any(branch => BranchMatches(branch, leaves));
    }

    private static bool BranchMatches(PatternBranch branch, List<Leaf> leaves)
    {
        var positive = branch.Conditions.Where(c => !c.AllowsAbsence).ToList();
        var absent = branch.Conditions.Where(c => c.AllowsAbsence).ToList();
        var candidates = positive.Select(c => leaves.Where(l => l.Path == c.Path && Satisfies(c, l)).ToList()).ToList();
        return Combinations(candidates, 0, []).Any(choice =>
            choice.SelectMany((a, i) => choice.Where((_, j) => j > i).Select(b => (a, b))).All(p => Consistent(p.a, p.b))
            && absent.All(c =>
                leaves.Any(l => l.Path == c.Path && Satisfies(c, l) && choice.All(x => Consistent(l, x)))
                || !leaves.Any(l => l.Path == c.Path && choice.All(x => Consistent(l, x)))));
    }

    private static IEnumerable<List<Leaf>> Combinations(List<List<Leaf>> candidates, int index, List<Leaf> chosen)
    {
        if (index == candidates.Count)
        {
            yield return chosen;
            yield break;
        }

        foreach (var leaf in candidates[index])
        {
            foreach (var combination in Combinations(candidates, index + 1, [.. chosen, leaf]))
            {
                yield return combination;
            }
        }
    }

    private static bool Satisfies(FieldCondition condition, Leaf leaf)
    {
        var text = leaf.Text;
        var value = new EventValue(leaf.Kind, text, ValueForms.All, leaf.Kind == EventValueKind.String ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text).ToLowerInvariant()) : default);
        foreach (var matcher in condition.Matchers)
        {
            if (matcher is not ExistsMatcher { Exists: false } && matcher.Matches(value))
            {
                return true;
            }
        }

        return false;
    }

    // Inconsistent when some array holds both values in different elements (arrays named by their JSON location).
    private static bool Consistent(Leaf a, Leaf b)
    {
        foreach (var (array, element) in a.Arrays)
        {
            var other = b.Arrays.FirstOrDefault(x => x.Array == array);
            if (other.Array is not null && other.Element != element)
            {
                return false;
            }
        }

        return true;
    }

    private static void Flatten(JsonElement element, string path, string location, List<(string Array, int Element)> arrays, List<Leaf> leaves)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, path.Length == 0 ? property.Name : path + "." + property.Name, location + "/" + property.Name, arrays, leaves);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, path, location + "[" + i + "]", [.. arrays, (location, i)], leaves);
                    i++;
                }

                break;
            case JsonValueKind.String:
                leaves.Add(new Leaf(path, EventValueKind.String, Encoding.UTF8.GetBytes(element.GetString()!), arrays));
                break;
            case JsonValueKind.Number:
                leaves.Add(new Leaf(path, EventValueKind.Number, Encoding.UTF8.GetBytes(element.GetRawText()), arrays));
                break;
            default:
                var kind = element.ValueKind switch
                {
                    JsonValueKind.True => EventValueKind.True,
                    JsonValueKind.False => EventValueKind.False,
                    _ => EventValueKind.Null,
                };
                leaves.Add(new Leaf(path, kind, Encoding.UTF8.GetBytes(element.GetRawText()), arrays));
                break;
        }
    }

    private sealed record Leaf(string Path, EventValueKind Kind, byte[] Text, List<(string Array, int Element)> Arrays);
}
