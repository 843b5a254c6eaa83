namespace Paywatch.Local.Bus;

/// <summary>One entry of a PutEvents request (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html).</summary>
public sealed record PutEventsRequestEntry(
    string? Source,
    string? DetailType,
    string? Detail,
    string? EventBusName = null,
    DateTimeOffset? Time = null,
    IReadOnlyList<string>? Resources = null);
