namespace Paywatch.Local.Bus;

/// <summary>The bus's counters since start, for the terminal summary and the web UI.</summary>
/// <param name="EntriesReceived">PutEvents entries (from the processor and the API), accepted or not.</param>
/// <param name="FailedEntries">Entries refused (malformed detail, unknown bus, ...).</param>
/// <param name="EventsMatched">Accepted events that matched at least one rule.</param>
public sealed record BusStatistics(long EntriesReceived, long FailedEntries, long EventsMatched, IReadOnlyList<RuleStatistics> Rules);
