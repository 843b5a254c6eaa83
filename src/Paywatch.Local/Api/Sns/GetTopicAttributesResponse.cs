namespace Paywatch.Local.Api.Sns;

internal sealed record GetTopicAttributesResponse(IReadOnlyDictionary<string, string> Attributes);
