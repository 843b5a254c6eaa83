namespace Paywatch.Aws.TestSupport;

/// <summary>What the test endpoint answers a signed request: per-entry results, or an error for the whole request.</summary>
public sealed record PutEventsTestReply
{
    private PutEventsTestReply()
    {
    }

    /// <summary>Per entry, the <c>ErrorCode</c> to report, or null for accepted.</summary>
    public IReadOnlyList<string?>? EntryErrors { get; private init; }

    public int StatusCode { get; private init; } = 200;

    public string? ErrorType { get; private init; }

    public string? ErrorMessage { get; private init; }

    public static PutEventsTestReply AcceptAll { get; } = new();

    /// <summary>A 200 with <c>FailedEntryCount</c> and per-entry <c>ErrorCode</c>s (null: accepted).</summary>
    public static PutEventsTestReply Entries(IReadOnlyList<string?> errorCodes) => new() { EntryErrors = errorCodes };

    /// <summary>An error response for the whole request, e.g. (400, "ThrottlingException") or (500, "InternalException").</summary>
    public static PutEventsTestReply Error(int statusCode, string errorType, string message = "injected fault") =>
        new() { StatusCode = statusCode, ErrorType = errorType, ErrorMessage = message };
}
