namespace Paywatch.Local.Api.Sns;

/// <summary>SNS's <c>Topic</c> shape.</summary>
internal sealed record SnsTopic(string TopicArn);
