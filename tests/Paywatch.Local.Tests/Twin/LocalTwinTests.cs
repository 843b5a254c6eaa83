using Paywatch.Aws.Runtime;
using System.Text;
using System.Text.Json;
using Paywatch.Local.Functions;
using Paywatch.Local.Streams;

namespace Paywatch.Local.Tests.Twin;

/// <summary>The whole twin, composed as <c>paywatch up</c> composes it, on the real clock.</summary>
public sealed class LocalTwinTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A record the function always fails on: Lambda bisects the batch down to it, retries it, sends its batch
    /// information to the on-failure destination and moves on
    /// (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html).
    /// </summary>
    [Fact]
    public async Task A_poison_record_ends_in_the_DLQ_while_the_shard_moves_on()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder, inner => new PoisonRecordFunction(inner, "txn-poison"u8.ToArray()));

        var ids = Enumerable.Range(1, 9).Select(i => $"txn-{i:D3}").ToList();
        ids.Insert(4, "txn-poison");
        // One partition key: one shard, one lane, in order, so the poison record sits in the middle of a batch.
        var results = await twin.Stream.PutRecordsAsync([.. ids.Select(id => new PutRecordEntry("card-7", Transaction(id)))]);
        var poison = results[4].SequenceNumber!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await Eventually(() => twin.DeadLetterQueue.Count == 1 && ProcessedIds(twin).Count == 9);
        var message = (await twin.DeadLetterQueue.ReceiveMessageAsync(10, null, TimeSpan.Zero, CancellationToken.None)).Single();
        var info = JsonDocument.Parse(message.Body).RootElement.GetProperty("KinesisBatchInfo");
        Assert.Equal(1, info.GetProperty("batchSize").GetInt32());
        Assert.Equal(poison, info.GetProperty("startSequenceNumber").GetString());
        Assert.Equal(poison, info.GetProperty("endSequenceNumber").GetString());
        Assert.Equal(results[4].ShardId, info.GetProperty("shardId").GetString());
        Assert.Equal(ids.Where(id => id != "txn-poison").Order(), ProcessedIds(twin).Order());

        // And the shard keeps flowing after it.
        await twin.Stream.PutRecordAsync(new PutRecordEntry("card-7", Transaction("txn-after")));
        await Eventually(() => ProcessedIds(twin).Contains("txn-after"));
    }

    /// <summary>One function: the twin's execution environments run the very type the Lambda's bootstrap runs, and the Lambda host defines no function of its own.</summary>
    [Fact]
    public async Task The_twin_runs_the_function_the_Lambda_runs()
    {
        using var folder = new TemporaryDirectory();
        var environments = new System.Collections.Concurrent.ConcurrentBag<Type>();
        await using var twin = await StartAsync(folder, inner =>
        {
            environments.Add(inner.GetType());
            return inner;
        });

        Assert.Equal([typeof(Paywatch.Function.TransactionFunction)], environments.Distinct());
        var lambdaHost = System.Reflection.Assembly.Load("bootstrap");
        Assert.DoesNotContain(lambdaHost.GetTypes(), t => typeof(ILambdaFunction).IsAssignableFrom(t));
        Assert.Contains(lambdaHost.GetReferencedAssemblies(), a => a.Name == typeof(Paywatch.Function.TransactionFunction).Assembly.GetName().Name);
    }

    [Fact]
    public async Task A_restarted_twin_resumes_where_it_stopped_without_losing_or_repeating_a_record()
    {
        using var folder = new TemporaryDirectory();
        await using (var twin = await StartAsync(folder))
        {
            await twin.Stream.PutRecordsAsync([.. Enumerable.Range(1, 40).Select(i => new PutRecordEntry($"card-{i % 6}", Transaction($"txn-a{i:D2}")))]);
            await Eventually(() => ProcessedIds(twin).Count == 40);
        }

        await using (var twin = await StartAsync(folder))
        {
            await twin.Stream.PutRecordsAsync([.. Enumerable.Range(1, 25).Select(i => new PutRecordEntry($"card-{i % 6}", Transaction($"txn-b{i:D2}")))]);
            await Eventually(() => ProcessedIds(twin).Count >= 65);
            await Task.Delay(TimeSpan.FromSeconds(2));

            var processed = ProcessedIds(twin);
            Assert.Equal(65, processed.Count);
            Assert.Equal(65, processed.Distinct().Count());
        }
    }

    private static async Task<LocalTwin> StartAsync(TemporaryDirectory folder, Func<ILambdaFunction, ILambdaFunction>? function = null) =>
        await LocalTwin.StartAsync(
            new LocalTwinSettings { DataDirectory = folder.Path, Port = 0 },
            RepositoryRoot.Config,
            [],
            TimeProvider.System,
            function);

    private static byte[] Transaction(string id) => Encoding.UTF8.GetBytes(
        $$"""{"transaction_id":"{{id}}","amount":42.5,"currency":"EUR","type":"PURCHASE","merchant_id":"m-1","merchant_country":"DE","card_id":"card_9"}""");

    /// <summary>The transaction ids in the function's log group: one line per processed transaction.</summary>
    private static List<string> ProcessedIds(LocalTwin twin) =>
        [.. twin.Logs.SegmentPaths.SelectMany(File.ReadLines)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.TryGetProperty("status", out _))
            .Select(line => line.GetProperty("transaction_id").GetString()!)];

    private static async Task Eventually(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out");
            await Task.Delay(100);
        }
    }
}
