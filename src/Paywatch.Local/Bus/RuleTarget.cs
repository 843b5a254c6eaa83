namespace Paywatch.Local.Bus;

/// <summary>A rule's target (PutTargets): its id, the ARN it delivers to, and the input transformer applied on the way.</summary>
public sealed record RuleTarget(string Id, string Arn, InputTransformer InputTransformer);
