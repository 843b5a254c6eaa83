namespace Paywatch.Aws.TestSupport;

/// <summary>A correctly signed PutEvents request, as the endpoint's <see cref="PutEventsTestEndpoint.Behavior"/> sees it.</summary>
/// <param name="Number">1 for the first signed request the endpoint received.</param>
/// <param name="Attempts">Per entry (same position), how many requests so far carried an entry with the same Detail, this one included.</param>
public sealed record PutEventsTestCall(int Number, IReadOnlyList<ReceivedEvent> Entries, IReadOnlyList<int> Attempts, string Body);
