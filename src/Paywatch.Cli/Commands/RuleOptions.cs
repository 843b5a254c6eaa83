using System.CommandLine;
using Paywatch.Core.Routing;
using Paywatch.Patterns;

namespace Paywatch.Cli.Commands;

/// <summary>The options that choose the routing rules: <c>--rules DIR</c> and <c>--publish</c>.</summary>
internal sealed class RuleOptions
{
    public Option<DirectoryInfo?> Rules { get; } = new Option<DirectoryInfo?>("--rules")
    {
        Description = "A directory of rule files (PutRule JSON). Default: the rules built into paywatch, a copy of config/rules.",
    }.AcceptExistingFolder();

    public Option<PublishMode> Publish { get; } = new("--publish")
    {
        Description = "Which entries to publish: 'matched' (those matching a rule) or 'all'.",
        DefaultValueFactory = _ => PublishMode.Matched,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Rules);
        command.Options.Add(Publish);
    }

    /// <exception cref="InvalidRuleException">A rule file is invalid.</exception>
    public IReadOnlyList<RuleDefinition> Load(ParseResult result) =>
        result.GetValue(Rules) is { } directory ? RuleDefinition.LoadDirectory(directory.FullName) : BuiltIn();

    /// <summary>The rules embedded at build time from <c>config/rules/</c>.</summary>
    public static IReadOnlyList<RuleDefinition> BuiltIn() => RuleDefinition.LoadResources(typeof(RuleOptions).Assembly);
}
