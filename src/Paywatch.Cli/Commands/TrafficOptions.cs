using System.CommandLine;
using System.Globalization;
using Paywatch.Traffic;

namespace Paywatch.Cli.Commands;

/// <summary>The options that describe synthetic traffic, shared by <c>generate</c> and <c>process --generate</c>.</summary>
internal sealed class TrafficOptions
{
    public Option<int> Seed { get; } = new("--seed")
    {
        Description = "Seed of the generator: the same seed gives the same records.",
        DefaultValueFactory = _ => 1,
    };

    public Option<TrafficMix> Mix { get; } = new("--mix")
    {
        Description = "Relative weights, e.g. normal=80,high-value=5,invalid=5,fraud=5,velocity=5 (velocity counts bursts).",
        CustomParser = result => Parse(result, TrafficMix.Parse),
        DefaultValueFactory = _ => TrafficMix.Default,
    };

    public Option<DateTimeOffset?> Start { get; } = new("--start")
    {
        Description = "Timestamp of the first transaction (RFC 3339), or 'now'. Default: 2026-01-01T00:00:00Z, for reproducible output.",
        CustomParser = result => Parse<DateTimeOffset?>(result, text => text == "now"
            ? DateTimeOffset.UtcNow
            : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)),
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Seed);
        command.Options.Add(Mix);
        command.Options.Add(Start);
    }

    public TrafficGenerator CreateGenerator(ParseResult result) =>
        new(result.GetValue(Seed), result.GetValue(Mix), result.GetValue(Start));

    private static T Parse<T>(System.CommandLine.Parsing.ArgumentResult result, Func<string, T> parse)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        try
        {
            return parse(text);
        }
        catch (FormatException e)
        {
            result.AddError(e.Message);
            return default!;
        }
    }
}
