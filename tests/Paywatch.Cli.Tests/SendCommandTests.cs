using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Paywatch.Aws.TestSupport;

namespace Paywatch.Cli.Tests;

/// <summary><c>paywatch send</c> against a Kinesis PutRecords double on 127.0.0.1.</summary>
public sealed class SendCommandTests
{
    [Fact]
    public async Task Every_record_is_acknowledged_once_and_refused_ones_are_sent_again()
    {
        var kinesis = new FakeKinesis { RefuseFirstRecordOfCall = 1 };
        await using var server = await LoopbackHttpServer.StartAsync(kinesis.HandleAsync);

        var result = await CliRunner.RunAsync("", "send", "--endpoint", server.Url.ToString(), "--stream", "transaction-stream-local",
            "--count", "1200", "--rate", "0", "--seed", "4", "--output", "json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var report = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(1200, report.GetProperty("sent").GetInt32());
        Assert.Equal(1200, report.GetProperty("acknowledged").GetInt32());
        Assert.Equal(0, report.GetProperty("failed").GetInt32());
        Assert.Equal(1, report.GetProperty("retried").GetInt32());
        // 1,200 records in calls of at most 500, plus the one resend.
        Assert.Equal(4, report.GetProperty("requests").GetInt32());
        Assert.Equal(1200, kinesis.Accepted.Count);
        // Exactly the records 'paywatch generate' writes for the same seed, none twice, none missing.
        var generated = await CliRunner.RunAsync("", "generate", "--count", "1200", "--seed", "4");
        Assert.Equal(generated.Lines.Order(StringComparer.Ordinal), kinesis.Accepted.Select(r => r.Data).Order(StringComparer.Ordinal));
        Assert.All(kinesis.Streams, s => Assert.Equal("transaction-stream-local", s));
        Assert.All(kinesis.Targets, t => Assert.Equal("Kinesis_20131202.PutRecords", t));
    }

    [Fact]
    public async Task Records_refused_on_every_attempt_are_reported_failed_with_exit_code_1()
    {
        var kinesis = new FakeKinesis { RefuseAll = true };
        await using var server = await LoopbackHttpServer.StartAsync(kinesis.HandleAsync);

        var result = await CliRunner.RunAsync("", "send", "--endpoint", server.Url.ToString(), "--count", "10", "--rate", "0", "--output", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(10, JsonDocument.Parse(result.Stdout).RootElement.GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task Count_and_duration_together_are_refused()
    {
        var result = await CliRunner.RunAsync("", "send", "--endpoint", "http://127.0.0.1:9", "--count", "10", "--duration", "5s");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--count or --duration", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>PutRecords as the API reference shapes it: per-record results, refused ones with ErrorCode.</summary>
    private sealed class FakeKinesis
    {
        private int _calls;

        public int RefuseFirstRecordOfCall { get; init; }

        public bool RefuseAll { get; init; }

        public ConcurrentBag<(string Data, string PartitionKey)> Accepted { get; } = [];

        public ConcurrentBag<string> Streams { get; } = [];

        public ConcurrentBag<string> Targets { get; } = [];

        public async Task HandleAsync(HttpContext context)
        {
            Targets.Add(context.Request.Headers["X-Amz-Target"].ToString());
            var request = await JsonDocument.ParseAsync(context.Request.Body);
            Streams.Add(request.RootElement.GetProperty("StreamName").GetString()!);
            var call = Interlocked.Increment(ref _calls);
            var results = new List<string>();
            var failed = 0;
            var index = 0;
            foreach (var record in request.RootElement.GetProperty("Records").EnumerateArray())
            {
                if (RefuseAll || (call == RefuseFirstRecordOfCall && index == 0))
                {
                    failed++;
                    results.Add("""{"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded for shard shardId-000000000001 in stream transaction-stream-local under account 000000000000."}""");
                }
                else
                {
                    Accepted.Add((Encoding.UTF8.GetString(record.GetProperty("Data").GetBytesFromBase64()), record.GetProperty("PartitionKey").GetString()!));
                    results.Add($$"""{"SequenceNumber":"4959{{call:D4}}{{index:D6}}","ShardId":"shardId-000000000001"}""");
                }

                index++;
            }

            context.Response.ContentType = "application/x-amz-json-1.1";
            await context.Response.WriteAsync($$"""{"FailedRecordCount":{{failed}},"Records":[{{string.Join(',', results)}}]}""");
        }
    }
}
