using System.Text.Json;
using Paywatch.Local.Bus;
using Paywatch.Patterns;

namespace Paywatch.Local.Api;

/// <summary>
/// EventBridge over AWS JSON 1.1 (target prefix <c>AWSEvents</c>) for the twin's bus: PutEvents (so the Lambda
/// binary, pointed here with AWS_ENDPOINT_URL, publishes into the bus), TestEventPattern, ListRules, DescribeRule,
/// ListTargetsByRule and ListEventBuses (https://docs.aws.amazon.com/eventbridge/latest/APIReference/).
/// </summary>
public sealed class EventBridgeService(LocalEventBus bus) : IAwsJsonService
{
    private const string DefaultBusName = "default";

    private static readonly string[] EnvelopeFields = ["id", "account", "source", "time", "region", "detail-type"];

    public string TargetPrefix => "AWSEvents";

    public string JsonVersion => "1.1";

    public async ValueTask<byte[]> HandleAsync(string operation, ReadOnlyMemory<byte> requestBody, CancellationToken cancellationToken)
    {
        using var document = AwsJsonBody.Parse(requestBody);
        var request = document.RootElement;
        return operation switch
        {
            "PutEvents" => await PutEventsAsync(request).ConfigureAwait(false),
            "TestEventPattern" => TestEventPattern(request),
            "ListRules" => ListRules(request),
            "DescribeRule" => DescribeRule(request),
            "ListTargetsByRule" => ListTargetsByRule(request),
            "ListEventBuses" => ListEventBuses(request),
            _ => throw new AwsServiceException("UnknownOperationException", $"The twin's EventBridge does not support {operation}."),
        };
    }

    private async Task<byte[]> PutEventsAsync(JsonElement request)
    {
        if (!request.TryGetProperty("Entries", out var entries) || entries.ValueKind != JsonValueKind.Array || entries.GetArrayLength() is 0 or > 10)
        {
            throw new AwsServiceException("ValidationException", "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1");
        }

        var results = await bus.PutEventsAsync(
        [
            .. entries.EnumerateArray().Select(e => new PutEventsRequestEntry(
                AwsJsonBody.String(e, "Source"),
                AwsJsonBody.String(e, "DetailType"),
                AwsJsonBody.String(e, "Detail"),
                AwsJsonBody.String(e, "EventBusName"),
                e.TryGetProperty("Time", out var time) && time.TryGetDouble(out var seconds) ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)) : null,
                AwsJsonBody.Strings(e, "Resources"))),
        ]).ConfigureAwait(false);
        return AwsJsonBody.Write(w =>
        {
            w.WriteNumber("FailedEntryCount", results.Count(r => !r.Succeeded));
            w.WriteStartArray("Entries");
            foreach (var result in results)
            {
                w.WriteStartObject();
                if (result.Succeeded)
                {
                    w.WriteString("EventId", result.EventId);
                }
                else
                {
                    w.WriteString("ErrorCode", result.ErrorCode);
                    w.WriteString("ErrorMessage", result.ErrorMessage);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static byte[] TestEventPattern(JsonElement request)
    {
        var patternText = AwsJsonBody.RequiredString(request, "EventPattern");
        var eventText = AwsJsonBody.RequiredString(request, "Event");
        EventPattern pattern;
        try
        {
            pattern = EventPattern.Parse(patternText);
        }
        catch (InvalidEventPatternException e)
        {
            throw new AwsServiceException("InvalidEventPatternException", $"Event pattern is not valid. Reason: {e.Message}");
        }

        // TestEventPattern requires the envelope fields EventBridge always sets.
        using (var document = ParseEvent(eventText))
        {
            var missing = EnvelopeFields.FirstOrDefault(f => !document.RootElement.TryGetProperty(f, out _));
            if (missing is not null)
            {
                throw new AwsServiceException("InvalidEventPatternException", $"Parameter Event is not valid. Reason: Provided Event must have mandatory field {missing}");
            }
        }

        var matcher = RuleSet.Compile([KeyValuePair.Create("test", pattern)]).CreateMatcher();
        var matched = new List<string>(1);
        try
        {
            matcher.Match(System.Text.Encoding.UTF8.GetBytes(eventText), matched);
        }
        catch (InvalidEventException e)
        {
            throw new AwsServiceException("InvalidEventPatternException", $"Parameter Event is not valid. Reason: {e.Message}");
        }

        return AwsJsonBody.Write(w => w.WriteBoolean("Result", matched.Count > 0));
    }

    private static JsonDocument ParseEvent(string text)
    {
        try
        {
            var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
        }

        throw new AwsServiceException("InvalidEventPatternException", "Parameter Event is not valid. Reason: it must be a JSON object.");
    }

    private byte[] ListRules(JsonElement request)
    {
        var prefix = AwsJsonBody.String(request, "NamePrefix") ?? "";
        // Limit is 1-100 (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRules.html); without it
        // the twin answers in pages of 100 as well, so a NextToken comes back whenever more rules remain.
        var limit = AwsJsonBody.IntInRange(request, "Limit", 1, 100) ?? 100;
        var rules = RulesOf(AwsJsonBody.String(request, "EventBusName")).Where(r => r.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var (page, next) = PageToken.Page(rules, limit, "ListRules", AwsJsonBody.String(request, "NextToken"), InvalidNextToken);
        return AwsJsonBody.Write(w =>
        {
            w.WriteStartArray("Rules");
            foreach (var rule in page)
            {
                w.WriteStartObject();
                WriteRule(w, rule);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (next is not null)
            {
                w.WriteString("NextToken", next);
            }
        });
    }

    private static AwsServiceException InvalidNextToken() => new("ValidationException", "The NextToken is not valid: pass back a NextToken this operation returned.");

    /// <summary>
    /// ListEventBuses (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListEventBuses.html): the
    /// account's default bus and the twin's bus, by name, Limit (1-100) to a page.
    /// </summary>
    private byte[] ListEventBuses(JsonElement request)
    {
        var prefix = AwsJsonBody.String(request, "NamePrefix") ?? "";
        var limit = AwsJsonBody.IntInRange(request, "Limit", 1, 100) ?? 100;
        var defaultArn = $"arn:aws:events:{bus.Region}:{bus.AccountId}:event-bus/{DefaultBusName}";
        var buses = new[] { (Name: DefaultBusName, Arn: defaultArn), (Name: bus.EventBusName, Arn: bus.EventBusArn) }
            .Where(b => b.Name.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .ToList();
        var (page, next) = PageToken.Page(buses, limit, "ListEventBuses", AwsJsonBody.String(request, "NextToken"), InvalidNextToken);
        return AwsJsonBody.Write(w =>
        {
            w.WriteStartArray("EventBuses");
            foreach (var (name, arn) in page)
            {
                w.WriteStartObject();
                w.WriteString("Name", name);
                w.WriteString("Arn", arn);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (next is not null)
            {
                w.WriteString("NextToken", next);
            }
        });
    }

    private byte[] DescribeRule(JsonElement request)
    {
        var name = AwsJsonBody.RequiredString(request, "Name");
        var rule = FindRule(AwsJsonBody.String(request, "EventBusName"), name);
        return AwsJsonBody.Write(w => WriteRule(w, rule));
    }

    private byte[] ListTargetsByRule(JsonElement request)
    {
        var name = AwsJsonBody.RequiredString(request, "Rule");
        var rule = FindRule(AwsJsonBody.String(request, "EventBusName"), name);
        var target = bus.TargetOf(rule.Name); // null for a disabled rule, which the twin does not wire
        return AwsJsonBody.Write(w =>
        {
            w.WriteStartArray("Targets");
            if (target is not null)
            {
                w.WriteStartObject();
                w.WriteString("Id", target.Id);
                w.WriteString("Arn", target.Arn);
                w.WriteStartObject("InputTransformer");
                w.WriteStartObject("InputPathsMap");
                foreach (var (key, path) in target.InputTransformer.InputPathsMap)
                {
                    w.WriteString(key, path);
                }

                w.WriteEndObject();
                w.WriteString("InputTemplate", target.InputTransformer.InputTemplate);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private RuleDefinition FindRule(string? busName, string name) =>
        RulesOf(busName).FirstOrDefault(r => r.Name == name)
        ?? throw new AwsServiceException("ResourceNotFoundException", $"Rule {name} does not exist on EventBus {busName ?? DefaultBusName}.");

    // The default bus exists and has no rules in this stack; any other bus but the twin's does not exist.
    private IReadOnlyList<RuleDefinition> RulesOf(string? busName) =>
        string.IsNullOrEmpty(busName) || busName == DefaultBusName ? []
        : busName == bus.EventBusName || busName == bus.EventBusArn ? bus.Rules
        : throw new AwsServiceException("ResourceNotFoundException", $"Event bus {busName} does not exist.");

    private void WriteRule(Utf8JsonWriter w, RuleDefinition rule)
    {
        w.WriteString("Name", rule.Name);
        w.WriteString("Arn", bus.RuleArn(rule.Name));
        w.WriteString("EventPattern", rule.EventPattern.Text);
        w.WriteString("State", rule.State == RuleState.Enabled ? "ENABLED" : "DISABLED");
        if (rule.Description is not null)
        {
            w.WriteString("Description", rule.Description);
        }

        w.WriteString("EventBusName", bus.EventBusName);
    }
}
