using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Api.Shapes;
using Paywatch.Local.Bus;
using Paywatch.Patterns;

namespace Paywatch.Local.Api;

/// <summary>
/// EventBridge over AWS JSON 1.1 (target prefix <c>AWSEvents</c>) for the twin's bus: PutEvents (so the Lambda
/// binary, pointed here with AWS_ENDPOINT_URL, publishes into the bus), TestEventPattern, ListRules, DescribeRule,
/// ListTargetsByRule and ListEventBuses (https://docs.aws.amazon.com/eventbridge/latest/APIReference/).
/// </summary>
public sealed class EventBridgeService(LocalEventBus bus) : AwsService("EventBridge")
{
    private const string DefaultBusName = "default";

    private static readonly string[] EnvelopeFields = ["id", "account", "source", "time", "region", "detail-type"];

    private protected override async ValueTask<JsonObject> HandleAsync(string operation, JsonElement request, CancellationToken cancellationToken) => operation switch
    {
        "PutEvents" => await PutEventsAsync(request).ConfigureAwait(false),
        "TestEventPattern" => TestEventPattern(request),
        "ListRules" => ListRules(request),
        "DescribeRule" => Rule(FindRule(AwsJsonBody.String(request, "EventBusName"), AwsJsonBody.String(request, "Name")!)),
        "ListTargetsByRule" => ListTargetsByRule(request),
        _ => ListEventBuses(request),
    };

    private async Task<JsonObject> PutEventsAsync(JsonElement request)
    {
        var results = await bus.PutEventsAsync(
        [
            .. request.GetProperty("Entries").EnumerateArray().Select(e => new PutEventsRequestEntry(
                AwsJsonBody.String(e, "Source"),
                AwsJsonBody.String(e, "DetailType"),
                AwsJsonBody.String(e, "Detail"),
                AwsJsonBody.String(e, "EventBusName"),
                AwsJsonBody.Time(e, "Time"),
                AwsJsonBody.Strings(e, "Resources"))),
        ]).ConfigureAwait(false);
        return new()
        {
            ["FailedEntryCount"] = results.Count(r => !r.Succeeded),
            ["Entries"] = new JsonArray([.. results.Select(r => r.Succeeded
                ? new JsonObject { ["EventId"] = r.EventId }
                : new JsonObject { ["ErrorCode"] = r.ErrorCode, ["ErrorMessage"] = r.ErrorMessage })]),
        };
    }

    private static JsonObject TestEventPattern(JsonElement request)
    {
        var patternText = AwsJsonBody.String(request, "EventPattern")!;
        var eventText = AwsJsonBody.String(request, "Event")!;
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

        return new() { ["Result"] = matched.Count > 0 };
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

    private JsonObject ListRules(JsonElement request)
    {
        var prefix = AwsJsonBody.String(request, "NamePrefix") ?? "";
        // Limit is 1-100 (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRules.html); without it
        // the twin answers in pages of 100 as well, so a NextToken comes back whenever more rules remain.
        var rules = RulesOf(AwsJsonBody.String(request, "EventBusName")).Where(r => r.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var (page, next) = PageToken.Page(rules, AwsJsonBody.Int(request, "Limit") ?? 100, "ListRules", AwsJsonBody.String(request, "NextToken"), InvalidNextToken);
        return new() { ["Rules"] = new JsonArray([.. page.Select(Rule)]), ["NextToken"] = next };
    }

    private static AwsServiceException InvalidNextToken() => new("ValidationException", "The NextToken is not valid: pass back a NextToken this operation returned.");

    /// <summary>
    /// ListEventBuses (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListEventBuses.html): the
    /// account's default bus and the twin's bus, by name, Limit (1-100) to a page.
    /// </summary>
    private JsonObject ListEventBuses(JsonElement request)
    {
        var prefix = AwsJsonBody.String(request, "NamePrefix") ?? "";
        var defaultArn = $"arn:aws:events:{bus.Region}:{bus.AccountId}:event-bus/{DefaultBusName}";
        var buses = new[] { (Name: DefaultBusName, Arn: defaultArn), (Name: bus.EventBusName, Arn: bus.EventBusArn) }
            .Where(b => b.Name.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .ToList();
        var (page, next) = PageToken.Page(buses, AwsJsonBody.Int(request, "Limit") ?? 100, "ListEventBuses", AwsJsonBody.String(request, "NextToken"), InvalidNextToken);
        return new() { ["EventBuses"] = new JsonArray([.. page.Select(b => new JsonObject { ["Name"] = b.Name, ["Arn"] = b.Arn })]), ["NextToken"] = next };
    }

    private JsonObject ListTargetsByRule(JsonElement request)
    {
        var rule = FindRule(AwsJsonBody.String(request, "EventBusName"), AwsJsonBody.String(request, "Rule")!);
        // null for a disabled rule, which the twin does not wire
        return new()
        {
            ["Targets"] = bus.TargetOf(rule.Name) is not { } target ? new JsonArray() : new JsonArray(new JsonObject
            {
                ["Id"] = target.Id,
                ["Arn"] = target.Arn,
                ["InputTransformer"] = new JsonObject
                {
                    ["InputPathsMap"] = new JsonObject(target.InputTransformer.InputPathsMap.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
                    ["InputTemplate"] = target.InputTransformer.InputTemplate,
                },
            }),
        };
    }

    private RuleDefinition FindRule(string? busName, string name) =>
        RulesOf(busName).FirstOrDefault(r => r.Name == name)
        ?? throw new AwsServiceException("ResourceNotFoundException", $"Rule {name} does not exist on EventBus {busName ?? DefaultBusName}.");

    // The default bus exists and has no rules in this stack; any other bus but the twin's does not exist.
    private IReadOnlyList<RuleDefinition> RulesOf(string? busName) =>
        string.IsNullOrEmpty(busName) || busName == DefaultBusName ? []
        : busName == bus.EventBusName || busName == bus.EventBusArn ? bus.Rules
        : throw new AwsServiceException("ResourceNotFoundException", $"Event bus {busName} does not exist.");

    private JsonObject Rule(RuleDefinition rule) => new()
    {
        ["Name"] = rule.Name,
        ["Arn"] = bus.RuleArn(rule.Name),
        ["EventPattern"] = rule.EventPattern.Text,
        ["State"] = rule.State == RuleState.Enabled ? "ENABLED" : "DISABLED",
        ["Description"] = rule.Description,
        ["EventBusName"] = bus.EventBusName,
    };
}
