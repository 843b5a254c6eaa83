namespace Paywatch.Aws.EventBridge;

/// <summary>
/// An entry not published: its index in the publish call, the last error code (EventBridge's per-entry
/// <c>ErrorCode</c>, the request's error type, or <see cref="EntryTooLarge"/>) and a message.
/// </summary>
public sealed record PutEventsFailure(int Index, string ErrorCode, string ErrorMessage)
{
    /// <summary>The entry exceeds 256 KB in EventBridge's measure and was never sent.</summary>
    public const string EntryTooLarge = "EntryTooLarge";
}
