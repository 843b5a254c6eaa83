namespace Paywatch.Patterns;

/// <summary>
/// A pattern EventBridge would reject. The message reads like EventBridge's own
/// (<c>Event pattern is not valid. Reason: ...</c>) and names the field where the problem is.
/// </summary>
public sealed class InvalidEventPatternException : Exception
{
    public InvalidEventPatternException()
    {
        Reason = string.Empty;
    }

    public InvalidEventPatternException(string message)
        : base(message)
    {
        Reason = message;
    }

    public InvalidEventPatternException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    internal InvalidEventPatternException(string reason, string? path)
        : base(Format(reason, path))
    {
        Reason = reason;
        Path = path;
    }

    /// <summary>Why the pattern is invalid, in EventBridge's wording.</summary>
    public string Reason { get; }

    /// <summary>The dotted path of the field where the problem is; null when it concerns the whole pattern.</summary>
    public string? Path { get; }

    private static string Format(string reason, string? path) =>
        path is null or ""
            ? $"Event pattern is not valid. Reason: {reason}"
            : $"Event pattern is not valid. Reason: {reason} (at \"{path}\")";
}
