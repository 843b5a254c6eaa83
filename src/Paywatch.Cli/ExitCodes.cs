namespace Paywatch.Cli;

internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The input could not be used: a missing file, an invalid option value, a payload that is not an event.</summary>
    public const int InvalidInput = 2;
}
