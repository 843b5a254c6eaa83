namespace Paywatch.Aws.TestSupport;

/// <summary>One PutEvents request entry as the test endpoint received it (Detail as the string the API carries).</summary>
public sealed record ReceivedEvent(string Source, string DetailType, string Detail, string EventBusName, decimal? Time);
