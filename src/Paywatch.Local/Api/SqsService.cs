using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Api.Shapes;
using Paywatch.Local.Queues;

namespace Paywatch.Local.Api;

/// <summary>
/// SQS over the AWS JSON 1.0 protocol (target prefix <c>AmazonSQS</c>, as current SDKs and botocore send it) for the
/// twin's queues: GetQueueUrl, ListQueues, SendMessage (with DelaySeconds and MessageAttributes), ReceiveMessage,
/// DeleteMessage, ChangeMessageVisibility, PurgeQueue, GetQueueAttributes
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/). Queue URLs point at this endpoint
/// (<c>{endpoint}{account}/{name}</c>) because SDKs may send a queue's requests to its URL.
/// </summary>
public sealed class SqsService : AwsService
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
        : base("SQS", "InvalidParameterValue", "MissingParameter")
    {
        _queues = queues.ToDictionary(q => q.QueueName, StringComparer.Ordinal);
        _endpoint = endpoint;
    }

    /// <summary>The URL of a queue, e.g. <c>http://127.0.0.1:4600/000000000000/transaction-processor-dlq-local</c>.</summary>
    public string QueueUrl(DurableQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var endpoint = _endpoint().ToString();
        return $"{endpoint}{(endpoint.EndsWith('/') ? "" : "/")}{queue.AccountId}/{queue.QueueName}";
    }

    private protected override async ValueTask<JsonObject> HandleAsync(string operation, JsonElement request, CancellationToken cancellationToken)
    {
        if (operation == "GetQueueUrl")
        {
            var name = AwsJsonBody.String(request, "QueueName")!;
            return new() { ["QueueUrl"] = QueueUrl(_queues.TryGetValue(name, out var found) ? found : throw NonExistentQueue()) };
        }

        if (operation == "ListQueues")
        {
            var prefix = AwsJsonBody.String(request, "QueueNamePrefix") ?? "";
            return new() { ["QueueUrls"] = new JsonArray([.. _queues.Values.Where(q => q.QueueName.StartsWith(prefix, StringComparison.Ordinal)).Select(q => JsonValue.Create(QueueUrl(q)))]) };
        }

        var queue = QueueOf(request);
        try
        {
            return operation switch
            {
                "SendMessage" => SendMessage(queue, request),
                "ReceiveMessage" => await ReceiveMessageAsync(queue, request, cancellationToken).ConfigureAwait(false),
                "DeleteMessage" => Empty(() => queue.DeleteMessage(AwsJsonBody.String(request, "ReceiptHandle")!)),
                "ChangeMessageVisibility" => ChangeMessageVisibility(queue, request),
                "PurgeQueue" => Empty(queue.PurgeQueue),
                _ => GetQueueAttributes(queue, request),
            };
        }
        catch (Exception e) when (e is ReceiptHandleIsInvalidException or MessageNotInflightException or PurgeQueueInProgressException)
        {
            throw new AwsServiceException(
                e switch { ReceiptHandleIsInvalidException => "ReceiptHandleIsInvalid", MessageNotInflightException => "MessageNotInflight", _ => "PurgeQueueInProgress" }, e.Message);
        }
    }

    private static JsonObject SendMessage(DurableQueue queue, JsonElement request)
    {
        var body = AwsJsonBody.String(request, "MessageBody")!;
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
        return new() { ["MD5OfMessageBody"] = md5, ["MD5OfMessageAttributes"] = md5OfAttributes, ["MessageId"] = id };
    }

    private static async Task<JsonObject> ReceiveMessageAsync(DurableQueue queue, JsonElement request, CancellationToken cancellationToken)
    {
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
        // SQS leaves Messages out when there are none.
        return new()
        {
            ["Messages"] = messages.Count == 0 ? null : new JsonArray([.. messages.Select(message =>
            {
                var item = SqsMessageAttributes.Write(SqsMessageAttributes.Select(message.MessageAttributes, attributeNames));
                item["MessageId"] = message.MessageId;
                item["ReceiptHandle"] = message.ReceiptHandle;
                item["MD5OfBody"] = message.Md5OfBody;
                item["Body"] = message.Body;
                item["Attributes"] = attributes.Length == 0 ? null : Attributes(attributes, name => name switch
                {
                    "SenderId" => queue.AccountId,
                    "SentTimestamp" => Text(message.SentTimestamp.ToUnixTimeMilliseconds()),
                    "ApproximateReceiveCount" => Text(message.ApproximateReceiveCount),
                    _ => Text(message.ApproximateFirstReceiveTimestamp.ToUnixTimeMilliseconds()),
                });
                return item;
            })]),
        };
    }

    private static JsonObject ChangeMessageVisibility(DurableQueue queue, JsonElement request)
    {
        // 0 to 43,200 seconds (12 hours), counted from now.
        var seconds = AwsJsonBody.Int(request, "VisibilityTimeout")!.Value;
        if (seconds is < 0 or > 43_200)
        {
            throw new AwsServiceException("InvalidParameterValue", $"Value {seconds} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.");
        }

        return Empty(() => queue.ChangeMessageVisibility(AwsJsonBody.String(request, "ReceiptHandle")!, TimeSpan.FromSeconds(seconds)));
    }

    private static JsonObject GetQueueAttributes(DurableQueue queue, JsonElement request)
    {
        var requested = AwsJsonBody.Strings(request, "AttributeNames");
        var unknown = requested.FirstOrDefault(n => n != "All" && !QueueAttributeNames.Contains(n));
        if (unknown is not null)
        {
            throw new AwsServiceException("InvalidAttributeName", $"Unknown Attribute {unknown}.");
        }

        var names = requested.Contains("All") ? QueueAttributeNames : [.. requested.Distinct()];
        var a = queue.GetAttributes();
        return new()
        {
            ["Attributes"] = names.Length == 0 ? null : Attributes(names, name => name switch
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
            }),
        };
    }

    /// <summary>An attribute map (queue or message attributes are strings by name).</summary>
    private static JsonObject Attributes(IEnumerable<string> names, Func<string, string> value) =>
        new(names.Select(name => KeyValuePair.Create(name, (JsonNode?)value(name))));

    private static JsonObject Empty(Action action)
    {
        action();
        return [];
    }

    private DurableQueue QueueOf(JsonElement request)
    {
        var name = AwsJsonBody.String(request, "QueueUrl")!.TrimEnd('/');
        return _queues.TryGetValue(name[(name.LastIndexOf('/') + 1)..], out var queue) ? queue : throw NonExistentQueue();
    }

    // The JSON protocol's error type for a missing queue is the shape name QueueDoesNotExist; SDKs map it to their
    // QueueDoesNotExist exception (the query protocol's code was AWS.SimpleQueueService.NonExistentQueue).
    private static AwsServiceException NonExistentQueue() =>
        new("QueueDoesNotExist", "The specified queue does not exist.");

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
