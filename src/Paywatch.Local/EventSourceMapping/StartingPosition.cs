namespace Paywatch.Local.EventSourceMapping;

/// <summary>
/// Where a mapping without a checkpoint starts reading a shard (CreateEventSourceMapping's <c>StartingPosition</c>).
/// AT_TIMESTAMP is not offered: Terraform does not use it.
/// </summary>
public enum StartingPosition
{
    /// <summary>Only records written after the mapping is created (what infra/lambda.tf sets).</summary>
    Latest,

    /// <summary>The oldest record still retained.</summary>
    TrimHorizon,
}
