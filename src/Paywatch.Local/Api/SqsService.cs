using System.Globalization;
using System.Text.Json;
using Paywatch.Local.Queues;

namespace Paywatch.Local.Api;

/// <summary>
/// SQS over the AWS JSON 1.0 protocol (target prefix <c>AmazonSQS</c>, as current SDKs and botocore send it) for the
/// twin's queues: GetQueueUrl, ListQueues, SendMessage (with DelaySeconds and MessageAttributes), ReceiveMessage,
/// DeleteMessage, ChangeMessageVisibility, PurgeQueue, GetQueueAttributes
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/). Queue URLs point at this endpoint
/// (<c>{endpoint}{account}/{name}</c>) because SDKs may send a queue's requests to its URL.
/// </summary>
public sealed class SqsService : IAwsJsonService
{
    private static readonly string[] MessageSystemAttributes = ["SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp"];
    private static readonly string[] QueueAttributeNames =
    [
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp",
        "LastModifiedTimestamp", "QueueArn", "VisibilityTimeout", "MessageRetentionPeriod", "MaximumMessageSize", "DelaySeconds",
        "ReceiveMessageWaitTimeSeconds",
    ];

    /// <summary>256 KiB, body and attributes together, as infra/sqs.tf leaves it.</summary>
    private const int MaximumMessageSize = 262_144;

    private readonly Dictionary<string, DurableQueue> _queues;
    private readonly Func<Uri> _endpoint;

    /// <param name="queues">The queues it serves, by name.</param>
    /// <param name="endpoint">The endpoint's base URL (<see cref="AwsApiServer.Url"/>, known once the server has started).</param>
    public SqsService(IEnumerable<DurableQueue> queues, Func<Uri> endpoint)
    {
        _queues = queues.ToDictionary(q => q.QueueName, StringComparer.Ordinal);
        _endpoint = endpoint;
    }

    public string TargetPrefix => "AmazonSQS";

    public string JsonVersion => "1.0";

    /// <summary>The URL of a queue, e.g. <c>http://127.0.0.1:4600/000000000000/transaction-processor-dlq-local</c>.</summary>
    public string QueueUrl(DurableQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var endpoint = _endpoint().ToString();
        return $"{endpoint}{(endpoint.EndsWith('/') ? "" : "/")}{queue.AccountId}/{queue.QueueName}";
    }

    public async ValueTask<byte[]> HandleAsync(string operation, ReadOnlyMemory<byte> requestBody, CancellationToken cancellationToken)
    {
        using var document = AwsJsonBody.Parse(requestBody);
        var request = document.RootElement;
        return operation switch
        {
            "GetQueueUrl" => GetQueueUrl(request),
            "ListQueues" => ListQueues(request),
            "SendMessage" => SendMessage(request),
            "ReceiveMessage" => await ReceiveMessageAsync(request, cancellationToken).ConfigureAwait(false),
            "DeleteMessage" => DeleteMessage(request),
            "ChangeMessageVisibility" => ChangeMessageVisibility(request),
            "PurgeQueue" => PurgeQueue(request),
            "GetQueueAttributes" => GetQueueAttributes(request),
            _ => throw new AwsServiceException("UnsupportedOperation", $"The twin's SQS does not support {operation}."),
        };
    }

    private byte[] GetQueueUrl(JsonElement request)
    {
        var name = AwsJsonBody.RequiredString(request, "QueueName", "MissingParameter");
        var queue = _queues.TryGetValue(name, out var found) ? found : throw NonExistentQueue();
        return AwsJsonBody.Write(w => w.WriteString("QueueUrl", QueueUrl(queue)));
    }

    private byte[] ListQueues(JsonElement request)
    {
        var prefix = AwsJsonBody.String(request, "QueueNamePrefix") ?? "";
        return AwsJsonBody.Write(w =>
        {
            w.WriteStartArray("QueueUrls");
            foreach (var queue in _queues.Values.Where(q => q.QueueName.StartsWith(prefix, StringComparison.Ordinal)))
            {
                w.WriteStringValue(QueueUrl(queue));
            }

            w.WriteEndArray();
        });
    }

    private byte[] SendMessage(JsonElement request)
    {
        var queue = QueueOf(request);
        var body = AwsJsonBody.RequiredString(request, "MessageBody", "MissingParameter");
        // Members of FIFO queues and of system attributes the twin does not keep: refused, never silently dropped.
        foreach (var unsupported in (string[])["MessageGroupId", "MessageDeduplicationId"])
        {
            if (request.TryGetProperty(unsupported, out _))
            {
                throw new AwsServiceException("InvalidParameterValue", $"The request includes parameter {unsupported}, which is not valid for this queue type (a standard queue).");
            }
        }

        if (request.TryGetProperty("MessageSystemAttributes", out _))
        {
            throw new AwsServiceException("InvalidParameterValue", "The twin's SQS does not keep MessageSystemAttributes (AWSTraceHeader): leave them out.");
        }

        // DelaySeconds is 0-900 (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html).
        var delay = AwsJsonBody.Int(request, "DelaySeconds") ?? 0;
        if (delay is < 0 or > 900)
        {
            throw new AwsServiceException("InvalidParameterValue", $"Value {delay} for parameter DelaySeconds is invalid. Reason: must be >= 0 and <= 900.");
        }

        var attributes = SqsMessageAttributes.Read(request);
        if (SqsMessageAttributes.Size(body, attributes) > MaximumMessageSize)
        {
            throw new AwsServiceException("InvalidParameterValue", $"One or more parameters are invalid. Reason: Message must be shorter than {MaximumMessageSize} bytes.");
        }

        var (id, md5, md5OfAttributes) = queue.SendMessage(body, TimeSpan.FromSeconds(delay), attributes);
        return AwsJsonBody.Write(w =>
        {
            w.WriteString("MD5OfMessageBody", md5);
            if (md5OfAttributes is not null)
            {
                w.WriteString("MD5OfMessageAttributes", md5OfAttributes);
            }

            w.WriteString("MessageId", id);
        });
    }

    private async Task<byte[]> ReceiveMessageAsync(JsonElement request, CancellationToken cancellationToken)
    {
        var queue = QueueOf(request);
        var max = AwsJsonBody.Int(request, "MaxNumberOfMessages") ?? 1;
        if (max is < 1 or > 10)
        {
            throw new AwsServiceException("InvalidParameterValue", $"Value {max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
        }

        var wait = AwsJsonBody.Int(request, "WaitTimeSeconds") ?? 0;
        if (wait is < 0 or > 20)
        {
            throw new AwsServiceException("InvalidParameterValue", $"Value {wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.");
        }

        var visibility = AwsJsonBody.Int(request, "VisibilityTimeout") is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var requested = AwsJsonBody.Strings(request, "AttributeNames").Concat(AwsJsonBody.Strings(request, "MessageSystemAttributeNames")).ToHashSet(StringComparer.Ordinal);
        var attributes = requested.Contains("All") ? MessageSystemAttributes : [.. MessageSystemAttributes.Where(requested.Contains)];
        var attributeNames = AwsJsonBody.Strings(request, "MessageAttributeNames");
        var messages = await queue.ReceiveMessageAsync(max, visibility, TimeSpan.FromSeconds(wait), cancellationToken).ConfigureAwait(false);
        return AwsJsonBody.Write(w =>
        {
            if (messages.Count == 0)
            {
                return; // SQS leaves Messages out when there are none.
            }

            w.WriteStartArray("Messages");
            foreach (var message in messages)
            {
                w.WriteStartObject();
                w.WriteString("MessageId", message.MessageId);
                w.WriteString("ReceiptHandle", message.ReceiptHandle);
                w.WriteString("MD5OfBody", message.Md5OfBody);
                w.WriteString("Body", message.Body);
                SqsMessageAttributes.Write(w, SqsMessageAttributes.Select(message.MessageAttributes, attributeNames));
                if (attributes.Length > 0)
                {
                    w.WriteStartObject("Attributes");
                    foreach (var name in attributes)
                    {
                        w.WriteString(name, name switch
                        {
                            "SenderId" => queue.AccountId,
                            "SentTimestamp" => Millis(message.SentTimestamp),
                            "ApproximateReceiveCount" => message.ApproximateReceiveCount.ToString(CultureInfo.InvariantCulture),
                            _ => Millis(message.ApproximateFirstReceiveTimestamp),
                        });
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private byte[] DeleteMessage(JsonElement request)
    {
        var queue = QueueOf(request);
        var handle = AwsJsonBody.RequiredString(request, "ReceiptHandle", "MissingParameter");
        try
        {
            queue.DeleteMessage(handle);
        }
        catch (ReceiptHandleIsInvalidException e)
        {
            throw new AwsServiceException("ReceiptHandleIsInvalid", e.Message);
        }

        return AwsJsonBody.Write(_ => { });
    }

    private byte[] ChangeMessageVisibility(JsonElement request)
    {
        var queue = QueueOf(request);
        var handle = AwsJsonBody.RequiredString(request, "ReceiptHandle", "MissingParameter");
        // 0 to 43,200 seconds (12 hours), counted from now.
        var seconds = AwsJsonBody.Int(request, "VisibilityTimeout") ?? throw new AwsServiceException("MissingParameter", "The request must contain the parameter VisibilityTimeout.");
        if (seconds is < 0 or > 43_200)
        {
            throw new AwsServiceException("InvalidParameterValue", $"Value {seconds} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.");
        }

        try
        {
            queue.ChangeMessageVisibility(handle, TimeSpan.FromSeconds(seconds));
        }
        catch (ReceiptHandleIsInvalidException e)
        {
            throw new AwsServiceException("ReceiptHandleIsInvalid", e.Message);
        }
        catch (MessageNotInflightException e)
        {
            throw new AwsServiceException("MessageNotInflight", e.Message);
        }

        return AwsJsonBody.Write(_ => { });
    }

    private byte[] PurgeQueue(JsonElement request)
    {
        var queue = QueueOf(request);
        try
        {
            queue.PurgeQueue();
        }
        catch (PurgeQueueInProgressException e)
        {
            throw new AwsServiceException("PurgeQueueInProgress", e.Message);
        }

        return AwsJsonBody.Write(_ => { });
    }

    private byte[] GetQueueAttributes(JsonElement request)
    {
        var queue = QueueOf(request);
        var requested = AwsJsonBody.Strings(request, "AttributeNames");
        var unknown = requested.FirstOrDefault(n => n != "All" && !QueueAttributeNames.Contains(n));
        if (unknown is not null)
        {
            throw new AwsServiceException("InvalidAttributeName", $"Unknown Attribute {unknown}.");
        }

        var names = requested.Contains("All") ? QueueAttributeNames : [.. requested.Distinct()];
        var a = queue.GetAttributes();
        return AwsJsonBody.Write(w =>
        {
            if (names.Length == 0)
            {
                return;
            }

            w.WriteStartObject("Attributes");
            foreach (var name in names)
            {
                w.WriteString(name, name switch
                {
                    "ApproximateNumberOfMessages" => Text(a.ApproximateNumberOfMessages),
                    "ApproximateNumberOfMessagesNotVisible" => Text(a.ApproximateNumberOfMessagesNotVisible),
                    "CreatedTimestamp" => Text(a.CreatedTimestamp.ToUnixTimeSeconds()),
                    "LastModifiedTimestamp" => Text(a.LastModifiedTimestamp.ToUnixTimeSeconds()),
                    "QueueArn" => a.QueueArn,
                    "VisibilityTimeout" => Text((long)a.VisibilityTimeout.TotalSeconds),
                    "MessageRetentionPeriod" => Text((long)a.MessageRetentionPeriod.TotalSeconds),
                    "MaximumMessageSize" => Text(MaximumMessageSize),
                    "ApproximateNumberOfMessagesDelayed" => Text(a.ApproximateNumberOfMessagesDelayed),
                    _ => "0", // DelaySeconds, ReceiveMessageWaitTimeSeconds: the queue's defaults (delays are per message).
                });
            }

            w.WriteEndObject();
        });
    }

    private DurableQueue QueueOf(JsonElement request)
    {
        var url = AwsJsonBody.RequiredString(request, "QueueUrl", "MissingParameter");
        var name = url.TrimEnd('/');
        name = name[(name.LastIndexOf('/') + 1)..];
        return _queues.TryGetValue(name, out var queue) ? queue : throw NonExistentQueue();
    }

    // The JSON protocol's error type for a missing queue is the shape name QueueDoesNotExist; SDKs map it to their
    // QueueDoesNotExist exception (the query protocol's code was AWS.SimpleQueueService.NonExistentQueue).
    private static AwsServiceException NonExistentQueue() =>
        new("QueueDoesNotExist", "The specified queue does not exist.");

    private static string Millis(DateTimeOffset time) => Text(time.ToUnixTimeMilliseconds());

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
