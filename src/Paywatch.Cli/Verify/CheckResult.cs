namespace Paywatch.Cli.Verify;

/// <summary>One line of the checklist: what was checked, whether it holds, and what was seen (the reason when it does not).</summary>
internal sealed record CheckResult(string Check, bool Passed, string Detail)
{
    public static CheckResult Pass(string check, string detail) => new(check, true, detail);

    public static CheckResult Fail(string check, string reason) => new(check, false, reason);
}
