using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Local.Queues;

namespace Paywatch.Local.Api;

/// <summary>
/// SQS message attributes on the wire: read from SendMessage with SQS's validation, chosen for ReceiveMessage by
/// MessageAttributeNames, and written with their MD5
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_MessageAttributeValue.html).
/// </summary>
internal static class SqsMessageAttributes
{
    /// <summary>"Each message can have up to 10 attributes."</summary>
    private const int MaximumCount = 10;

    public static Dictionary<string, MessageAttributeValue> Read(JsonElement request)
    {
        var attributes = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal);
        if (!request.TryGetProperty("MessageAttributes", out var members) || members.ValueKind != JsonValueKind.Object)
        {
            return attributes;
        }

        foreach (var member in members.EnumerateObject())
        {
            CheckName(member.Name);
            var value = member.Value;
            if (value.TryGetProperty("StringListValues", out _) || value.TryGetProperty("BinaryListValues", out _))
            {
                // "Not implemented. Reserved for future use." in the API reference; refused rather than dropped.
                throw Invalid($"Message attribute '{member.Name}': StringListValues and BinaryListValues are reserved by SQS and not supported.");
            }

            var dataType = AwsJsonBody.String(value, "DataType") ?? throw Invalid($"The message attribute '{member.Name}' must contain non-empty message attribute type.");
            var baseType = dataType.Split('.', 2)[0];
            if (baseType is not ("String" or "Number" or "Binary") || dataType.Length > 256)
            {
                throw Invalid($"The type of message attribute '{member.Name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.");
            }

            var text = AwsJsonBody.String(value, "StringValue");
            var binary = value.TryGetProperty("BinaryValue", out var encoded) && encoded.ValueKind == JsonValueKind.String ? encoded.GetBytesFromBase64() : null;
            if (baseType == "Binary" ? binary is null || text is not null : text is null || binary is not null)
            {
                throw Invalid($"The message attribute '{member.Name}' with type '{baseType}' must use field '{(baseType == "Binary" ? "Binary" : "String")}'.");
            }

            if (baseType == "Number" && !decimal.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                throw Invalid($"Can't cast the value of message (user) attribute '{member.Name}' to a number.");
            }

            attributes[member.Name] = new MessageAttributeValue(dataType, text, binary);
        }

        if (attributes.Count > MaximumCount)
        {
            throw Invalid($"Number of message attributes [{attributes.Count}] exceeds the allowed maximum [{MaximumCount}].");
        }

        return attributes;
    }

    /// <summary>The message's size as SQS counts it: the body, and each attribute's name, type and value.</summary>
    public static int Size(string body, IReadOnlyDictionary<string, MessageAttributeValue> attributes) =>
        Encoding.UTF8.GetByteCount(body)
        + attributes.Sum(a => Encoding.UTF8.GetByteCount(a.Key) + Encoding.UTF8.GetByteCount(a.Value.DataType)
            + (a.Value.BinaryValue?.Length ?? Encoding.UTF8.GetByteCount(a.Value.StringValue ?? "")));

    /// <summary>
    /// The attributes ReceiveMessage returns for MessageAttributeNames: <c>All</c> or <c>.*</c> for every one,
    /// <c>prefix.*</c> for those starting with the prefix, else the names given; none when none are asked for.
    /// </summary>
    public static Dictionary<string, MessageAttributeValue> Select(IReadOnlyDictionary<string, MessageAttributeValue> attributes, IReadOnlyList<string> names)
    {
        bool Wanted(string name) => names.Any(n =>
            n is "All" or ".*"
            || (n.EndsWith(".*", StringComparison.Ordinal) && name.StartsWith(n[..^1], StringComparison.Ordinal))
            || n == name);
        return attributes.Where(a => Wanted(a.Key)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
    }

    /// <summary>A message with MessageAttributes and MD5OfMessageAttributes (of the attributes returned), when there are any.</summary>
    public static JsonObject Write(IReadOnlyDictionary<string, MessageAttributeValue> attributes) => attributes.Count == 0 ? [] : new()
    {
        ["MD5OfMessageAttributes"] = MessageAttributeValue.Md5(attributes),
        ["MessageAttributes"] = new JsonObject(attributes.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)new JsonObject
        {
            ["DataType"] = a.Value.DataType,
            ["BinaryValue"] = a.Value.BinaryValue is { } binary ? Convert.ToBase64String(binary) : null,
            ["StringValue"] = a.Value.BinaryValue is null ? a.Value.StringValue : null,
        }))),
    };

    // Names: up to 256 of A-Z a-z 0-9 _ - . , not starting or ending with a period, no two periods in a row, not
    // starting with AWS. or Amazon. (reserved).
    private static void CheckName(string name)
    {
        var valid = name.Length is > 0 and <= 256
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            && !name.StartsWith('.') && !name.EndsWith('.') && !name.Contains("..", StringComparison.Ordinal)
            && !name.StartsWith("AWS.", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("Amazon.", StringComparison.OrdinalIgnoreCase);
        if (!valid)
        {
            throw Invalid($"Message attribute name '{name}' is invalid: up to 256 letters, digits, '_', '-' and '.', with no leading, trailing or doubled '.', and not starting with 'AWS.' or 'Amazon.'.");
        }
    }

    private static AwsServiceException Invalid(string message) => new("InvalidParameterValue", message);
}
