namespace Paywatch.Local.Api.Sns;

internal sealed record ListTopicsResponse(IReadOnlyList<SnsTopic> Topics, string? NextToken);
