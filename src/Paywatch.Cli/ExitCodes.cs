namespace Paywatch.Cli;

internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and its check failed (e.g. a sample routed differently than the spec says).</summary>
    public const int Failure = 1;

    /// <summary>The input could not be used: a missing file, an invalid option value, a payload that is not an event.</summary>
    public const int InvalidInput = 2;
}
