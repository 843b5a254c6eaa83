using System.Text.Json;
using Paywatch.Local.Api;
using Paywatch.Local.Queues;

namespace Paywatch.Local.Tests.Queues;

public sealed class SqsServiceTests : IDisposable
{
    private const string QueueName = "transaction-processor-dlq-local";
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_AWS_CLI_reads_a_failed_batch_from_the_DLQ_and_deletes_it()
    {
        using var queue = new DurableQueue(QueueName, _folder.Path, TimeProvider.System);
        AwsApiServer? server = null;
        var sqs = new SqsService([queue], () => server!.Url);
        await using (server = await AwsApiServer.StartAsync(0, [sqs]))
        {
            await ((IFailureDestination)queue).SendMessageAsync("""{"requestContext":{"condition":"RetryAttemptsExhausted"}}""", CancellationToken.None);

            var url = (await AwsCli.JsonAsync(server.Url, "sqs", "get-queue-url", "--queue-name", QueueName)).GetProperty("QueueUrl").GetString()!;
            Assert.Equal($"{server.Url}000000000000/{QueueName}", url);

            // The CLI checks MD5OfBody against the body it received: a wrong digest fails the command.
            var received = await AwsCli.JsonAsync(server.Url, "sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10", "--attribute-names", "All");
            var message = Assert.Single(received.GetProperty("Messages").EnumerateArray());
            Assert.Equal("""{"requestContext":{"condition":"RetryAttemptsExhausted"}}""", message.GetProperty("Body").GetString());
            Assert.Equal("1", message.GetProperty("Attributes").GetProperty("ApproximateReceiveCount").GetString());

            var attributes = (await AwsCli.JsonAsync(server.Url, "sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All")).GetProperty("Attributes");
            Assert.Equal("0", attributes.GetProperty("ApproximateNumberOfMessages").GetString());
            Assert.Equal("1", attributes.GetProperty("ApproximateNumberOfMessagesNotVisible").GetString());
            Assert.Equal($"arn:aws:sqs:us-east-1:000000000000:{QueueName}", attributes.GetProperty("QueueArn").GetString());

            await AwsCli.JsonAsync(server.Url, "sqs", "delete-message", "--queue-url", url, "--receipt-handle", message.GetProperty("ReceiptHandle").GetString()!);
            Assert.Equal(0, queue.Count);
        }
    }

    [Fact]
    public async Task A_queue_that_does_not_exist_is_QueueDoesNotExist_to_the_AWS_CLI()
    {
        using var queue = new DurableQueue(QueueName, _folder.Path, TimeProvider.System);
        AwsApiServer? server = null;
        await using (server = await AwsApiServer.StartAsync(0, [new SqsService([queue], () => server!.Url)]))
        {
            var (exitCode, _, error) = await AwsCli.RunAsync(server.Url, "sqs", "get-queue-url", "--queue-name", "no-such-queue");

            Assert.NotEqual(0, exitCode);
            Assert.Contains("QueueDoesNotExist", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReceiveMessage_refuses_more_than_ten_messages()
    {
        using var queue = new DurableQueue(QueueName, _folder.Path, TimeProvider.System);
        var sqs = new SqsService([queue], () => new Uri("http://127.0.0.1:4566/"));
        var request = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["QueueUrl"] = $"http://127.0.0.1:4566/000000000000/{QueueName}", ["MaxNumberOfMessages"] = 11 });

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await sqs.HandleAsync("ReceiveMessage", request, CancellationToken.None));

        Assert.Equal("InvalidParameterValue", error.ErrorType);
    }
}
