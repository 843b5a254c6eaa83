namespace Paywatch.Local.Bus;

/// <summary>One entry of a PutEvents response: the event's id, or why the entry was refused.</summary>
public sealed record PutEventsResultEntry(string? EventId, string? ErrorCode = null, string? ErrorMessage = null)
{
    public bool Succeeded => ErrorCode is null;
}
