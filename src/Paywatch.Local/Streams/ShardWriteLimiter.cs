namespace Paywatch.Local.Streams;

/// <summary>
/// A provisioned shard's write limits, "up to 1,000 records per second for writes, up to a maximum total data write rate
/// of 1 MiB per second (including partition keys)" (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html),
/// counted per wall-clock second. Not thread-safe; <see cref="Shard"/> locks around it.
/// </summary>
internal sealed class ShardWriteLimiter
{
    public const int RecordsPerSecond = 1000;
    public const long BytesPerSecond = 1024 * 1024;

    private long _second = long.MinValue;
    private int _records;
    private long _bytes;

    public bool TryAcquire(int size, DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds();
        if (second != _second)
        {
            _second = second;
            _records = 0;
            _bytes = 0;
        }

        if (_records + 1 > RecordsPerSecond || _bytes + size > BytesPerSecond)
        {
            return false;
        }

        _records++;
        _bytes += size;
        return true;
    }
}
