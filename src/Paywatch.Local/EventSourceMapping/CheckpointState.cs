namespace Paywatch.Local.EventSourceMapping;

/// <summary>What a shard's checkpoint file held when the mapping started.</summary>
internal enum CheckpointState
{
    Found,
    Missing,
    Unreadable,
}
