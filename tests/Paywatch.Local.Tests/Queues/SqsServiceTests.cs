using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
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
        var sqs = new SqsService([queue], () => new Uri("http://127.0.0.1:4600/"));
        var request = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["QueueUrl"] = $"http://127.0.0.1:4600/000000000000/{QueueName}", ["MaxNumberOfMessages"] = 11 });

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await sqs.HandleAsync("ReceiveMessage", request, CancellationToken.None));

        Assert.Equal("InvalidParameterValue", error.ErrorType);
    }

    /// <summary>
    /// A delayed message is first received once its delay has passed, with the attributes it was sent with; the
    /// digest is checked against SQS's documented encoding (19e27d4e... is the published digest of this attribute).
    /// </summary>
    [Fact]
    public async Task The_AWS_CLI_sends_a_delayed_message_with_attributes_and_receives_them_after_the_delay()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        using var queue = new DurableQueue(QueueName, _folder.Path, time);
        AwsApiServer? server = null;
        await using (server = await AwsApiServer.StartAsync(0, [new SqsService([queue], () => server!.Url)]))
        {
            var url = $"{server.Url}000000000000/{QueueName}";

            var sent = await AwsCli.JsonAsync(
                server.Url, "sqs", "send-message", "--queue-url", url, "--message-body", "redrive me", "--delay-seconds", "30",
                "--message-attributes", """{"attribName1":{"DataType":"String","StringValue":"attribValue 1"}}""");
            var early = await AwsCli.JsonAsync(server.Url, "sqs", "receive-message", "--queue-url", url, "--message-attribute-names", "All");
            var delayed = (await AwsCli.JsonAsync(server.Url, "sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All")).GetProperty("Attributes");
            time.Advance(TimeSpan.FromSeconds(30));
            var received = await AwsCli.JsonAsync(server.Url, "sqs", "receive-message", "--queue-url", url, "--message-attribute-names", "All");

            Assert.Equal("19e27d4e946b072f3f58da80d94fd778", sent.GetProperty("MD5OfMessageAttributes").GetString());
            Assert.Equal(JsonValueKind.Undefined, early.ValueKind);
            Assert.Equal("1", delayed.GetProperty("ApproximateNumberOfMessagesDelayed").GetString());
            Assert.Equal("0", delayed.GetProperty("ApproximateNumberOfMessages").GetString());
            Assert.Equal("0", delayed.GetProperty("ApproximateNumberOfMessagesNotVisible").GetString());
            var message = Assert.Single(received.GetProperty("Messages").EnumerateArray());
            Assert.Equal("redrive me", message.GetProperty("Body").GetString());
            Assert.Equal("attribValue 1", message.GetProperty("MessageAttributes").GetProperty("attribName1").GetProperty("StringValue").GetString());
            Assert.Equal("19e27d4e946b072f3f58da80d94fd778", message.GetProperty("MD5OfMessageAttributes").GetString());
        }
    }

    [Fact]
    public async Task ReceiveMessage_returns_only_the_attributes_MessageAttributeNames_asks_for()
    {
        using var queue = new DurableQueue(QueueName, _folder.Path, TimeProvider.System);
        var sqs = new SqsService([queue], () => new Uri("http://127.0.0.1:4600/"));
        var url = $"http://127.0.0.1:4600/000000000000/{QueueName}";
        await sqs.HandleAsync("SendMessage", Encoding.UTF8.GetBytes($$$$"""
            {"QueueUrl":"{{{{url}}}}","MessageBody":"b","MessageAttributes":{
              "trace.id":{"DataType":"String","StringValue":"t-1"},"trace.span":{"DataType":"String","StringValue":"s-1"},"attempt":{"DataType":"Number","StringValue":"3"}}}
            """), CancellationToken.None);

        var response = JsonDocument.Parse(await sqs.HandleAsync("ReceiveMessage", Encoding.UTF8.GetBytes($$"""{"QueueUrl":"{{url}}","MessageAttributeNames":["trace.*"]}"""), CancellationToken.None)).RootElement;

        var attributes = response.GetProperty("Messages")[0].GetProperty("MessageAttributes");
        Assert.Equal(["trace.id", "trace.span"], attributes.EnumerateObject().Select(a => a.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("\"DelaySeconds\":901")]
    [InlineData("\"DelaySeconds\":-1")]
    [InlineData("\"MessageGroupId\":\"g\"")]
    [InlineData("\"MessageSystemAttributes\":{\"AWSTraceHeader\":{\"DataType\":\"String\",\"StringValue\":\"Root=1\"}}")]
    [InlineData("\"MessageAttributes\":{\"n\":{\"DataType\":\"String\",\"StringListValues\":[\"a\"]}}")]
    [InlineData("\"MessageAttributes\":{\"n\":{\"DataType\":\"Number\",\"StringValue\":\"three\"}}")]
    [InlineData("\"MessageAttributes\":{\"AWS.n\":{\"DataType\":\"String\",\"StringValue\":\"a\"}}")]
    [InlineData("\"MessageAttributes\":{\"n\":{\"DataType\":\"Text\",\"StringValue\":\"a\"}}")]
    public async Task SendMessage_refuses_what_it_cannot_keep_or_SQS_would_refuse(string member)
    {
        using var queue = new DurableQueue(QueueName, _folder.Path, TimeProvider.System);
        var sqs = new SqsService([queue], () => new Uri("http://127.0.0.1:4600/"));
        var request = Encoding.UTF8.GetBytes("{\"QueueUrl\":\"http://127.0.0.1:4600/000000000000/" + QueueName + "\",\"MessageBody\":\"b\"," + member + "}");

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await sqs.HandleAsync("SendMessage", request, CancellationToken.None));

        Assert.Equal("InvalidParameterValue", error.ErrorType);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task SendMessage_refuses_eleven_attributes()
    {
        using var queue = new DurableQueue(QueueName, _folder.Path, TimeProvider.System);
        var sqs = new SqsService([queue], () => new Uri("http://127.0.0.1:4600/"));
        var attributes = string.Join(",", Enumerable.Range(1, 11).Select(i => "\"a" + i + "\":{\"DataType\":\"String\",\"StringValue\":\"v\"}"));
        var request = Encoding.UTF8.GetBytes("{\"QueueUrl\":\"http://127.0.0.1:4600/000000000000/" + QueueName + "\",\"MessageBody\":\"b\",\"MessageAttributes\":{" + attributes + "}}");

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await sqs.HandleAsync("SendMessage", request, CancellationToken.None));

        Assert.Equal("InvalidParameterValue", error.ErrorType);
    }

    /// <summary>ChangeMessageVisibility 0 makes a received message visible at once; PurgeQueue empties, once a minute.</summary>
    [Fact]
    public async Task The_AWS_CLI_releases_a_message_with_ChangeMessageVisibility_and_purges_the_queue_once_a_minute()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        using var queue = new DurableQueue(QueueName, _folder.Path, time);
        AwsApiServer? server = null;
        await using (server = await AwsApiServer.StartAsync(0, [new SqsService([queue], () => server!.Url)]))
        {
            var url = $"{server.Url}000000000000/{QueueName}";
            queue.SendMessage("one");
            queue.SendMessage("two");

            var first = (await AwsCli.JsonAsync(server.Url, "sqs", "receive-message", "--queue-url", url)).GetProperty("Messages")[0];
            await AwsCli.JsonAsync(server.Url, "sqs", "change-message-visibility", "--queue-url", url, "--receipt-handle", first.GetProperty("ReceiptHandle").GetString()!, "--visibility-timeout", "0");
            var again = (await AwsCli.JsonAsync(server.Url, "sqs", "receive-message", "--queue-url", url)).GetProperty("Messages")[0];
            var (staleExit, _, staleError) = await AwsCli.RunAsync(server.Url, "sqs", "change-message-visibility", "--queue-url", url, "--receipt-handle", first.GetProperty("ReceiptHandle").GetString()!, "--visibility-timeout", "60");
            await AwsCli.JsonAsync(server.Url, "sqs", "purge-queue", "--queue-url", url);
            var (secondPurgeExit, _, secondPurgeError) = await AwsCli.RunAsync(server.Url, "sqs", "purge-queue", "--queue-url", url);

            Assert.Equal("one", again.GetProperty("Body").GetString());
            Assert.NotEqual(0, staleExit);
            Assert.Contains("MessageNotInflight", staleError, StringComparison.Ordinal);
            Assert.Equal(0, queue.Count);
            Assert.NotEqual(0, secondPurgeExit);
            Assert.Contains("PurgeQueueInProgress", secondPurgeError, StringComparison.Ordinal);
        }
    }
}
