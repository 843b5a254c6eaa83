using System.Diagnostics;
using System.Globalization;
using System.Text;
using Paywatch.Local.Streams;

namespace Paywatch.Local.Tests.Streams;

/// <summary>
/// An acknowledged write survives <c>kill -9</c>: a child process (Paywatch.Local.CrashWriter) writes under load and
/// prints every acknowledged record; it is killed with SIGKILL mid-load, and the reopened folder must hold every one of
/// them, intact and in order.
/// </summary>
public sealed class CrashRecoveryTests
{
    private const int AcknowledgementsBeforeKill = 20_000;

    [Fact]
    public async Task Every_acknowledged_record_survives_kill_9_intact_and_in_order()
    {
        using var folder = new TemporaryDirectory();
        var acknowledged = await WriteUntilKilledAsync(folder.Path);

        Assert.True(acknowledged.Count >= AcknowledgementsBeforeKill, $"only {acknowledged.Count} acknowledgements");
        await using var stream = DurableStream.Open(new DurableStreamOptions("transaction-stream-local", folder.Path));
        var stored = new Dictionary<UInt128, StoredRecord>();
        foreach (var shard in stream.ShardIds)
        {
            var records = ReadAll(stream, shard);
            Assert.True(records.Zip(records.Skip(1)).All(pair => pair.First.SequenceNumber < pair.Second.SequenceNumber), $"{shard} out of order");
            foreach (var record in records)
            {
                stored.Add(record.SequenceNumber, record);
            }
        }

        foreach (var (key, shardId, sequenceNumber) in acknowledged)
        {
            Assert.True(stored.TryGetValue(sequenceNumber, out var record), $"acknowledged {key} ({shardId} {sequenceNumber}) is missing");
            Assert.Equal(key, record.PartitionKey);
            Assert.Equal(Expected(key), record.Data.ToArray());
            Assert.Equal(shardId, stream.ShardFor(new PutRecordEntry(key, record.Data)));
        }

        // Each writer's records, in the order it was told they were acknowledged, have increasing sequence numbers per shard.
        foreach (var group in acknowledged.GroupBy(a => (Writer: a.Key.Split('-')[1], a.ShardId)))
        {
            var sequence = group.Select(a => a.SequenceNumber).ToList();
            Assert.Equal(sequence.Order(), sequence);
        }
    }

    private static async Task<List<(string Key, string ShardId, UInt128 SequenceNumber)>> WriteUntilKilledAsync(string folder)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CrashWriterPath());
        start.ArgumentList.Add(folder);
        using var process = Process.Start(start)!;
        var acknowledged = new List<(string, string, UInt128)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (acknowledged.Count < AcknowledgementsBeforeKill
                && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                Add(acknowledged, line);
            }
        }
        finally
        {
            // Process.Kill sends SIGKILL on Unix: no finalizers, no flushing, the kill -9 of the test's name.
            process.Kill();
        }

        // Lines the writer printed before it died are still in the pipe.
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            Add(acknowledged, line);
        }

        await process.WaitForExitAsync(timeout.Token);
        Assert.NotEqual(0, process.ExitCode);
        return acknowledged;
    }

    private static void Add(List<(string, string, UInt128)> acknowledged, string line)
    {
        var parts = line.Split(' ');
        // A line cut short by the kill has no closing "." and was never wholly reported.
        if (parts is [var key, var shard, var sequenceNumber, "."])
        {
            acknowledged.Add((key, shard, UInt128.Parse(sequenceNumber, CultureInfo.InvariantCulture)));
        }
    }

    private static List<StoredRecord> ReadAll(DurableStream stream, string shardId)
    {
        var all = new List<StoredRecord>();
        UInt128? after = null;
        while (stream.Read(shardId, after, 10_000, 1 << 24) is { Count: > 0 } page)
        {
            all.AddRange(page);
            after = page[^1].SequenceNumber;
        }

        return all;
    }

    private static byte[] Expected(string key) => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(key + ";", 8)));

    /// <summary>The writer's build output, beside this project's (same configuration and framework).</summary>
    private static string CrashWriterPath()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var tests = output.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "Paywatch.Local.CrashWriter", "bin", configuration, framework, "Paywatch.Local.CrashWriter.dll");
        Assert.True(File.Exists(path), $"{path} is not built");
        return path;
    }
}
