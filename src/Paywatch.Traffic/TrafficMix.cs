using System.Globalization;

namespace Paywatch.Traffic;

/// <summary>
/// Relative weights of the traffic kinds, written <c>normal=80,high-value=5,invalid=5,fraud=5,velocity=5</c>.
/// A velocity weight counts bursts, not transactions.
/// </summary>
public sealed record TrafficMix(int Normal, int HighValue, int Invalid, int Fraud, int Velocity)
{
    public static TrafficMix Default { get; } = new(80, 5, 5, 5, 5);

    public int Total => Normal + HighValue + Invalid + Fraud + Velocity;

    public static TrafficMix Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var mix = new TrafficMix(0, 0, 0, 0, 0);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var weight))
            {
                throw new FormatException($"'{part}' is not kind=weight (for example normal=80).");
            }

            mix = pair[0] switch
            {
                "normal" => mix with { Normal = weight },
                "high-value" => mix with { HighValue = weight },
                "invalid" => mix with { Invalid = weight },
                "fraud" => mix with { Fraud = weight },
                "velocity" => mix with { Velocity = weight },
                _ => throw new FormatException(
                    $"Unknown traffic kind '{pair[0]}'; the kinds are normal, high-value, invalid, fraud and velocity."),
            };
        }

        return mix.Total > 0 ? mix : throw new FormatException("The mix must give at least one kind a positive weight.");
    }

    internal TrafficKind Pick(Random random)
    {
        var roll = random.Next(Total);
        foreach (var (kind, weight) in new[]
                 {
                     (TrafficKind.Normal, Normal), (TrafficKind.HighValue, HighValue), (TrafficKind.Invalid, Invalid),
                     (TrafficKind.Fraud, Fraud), (TrafficKind.Velocity, Velocity),
                 })
        {
            if (roll < weight)
            {
                return kind;
            }

            roll -= weight;
        }

        throw new InvalidOperationException("unreachable: roll is below the total weight");
    }
}
