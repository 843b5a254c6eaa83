using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Paywatch.Core.Processing;
using Paywatch.Core.Telemetry;
using Paywatch.Function;
using Paywatch.Local.EventSourceMapping;
using Paywatch.Local.Functions;

namespace Paywatch.Local.Api;

/// <summary>
/// The Lambda API (restJson1, signing name <c>lambda</c>) over the twin's function host and its Kinesis event source
/// mapping: ListFunctions, GetFunction, GetFunctionConfiguration, ListEventSourceMappings, GetEventSourceMapping and
/// UpdateEventSourceMapping (https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html). The function is
/// described as infra/lambda.tf deploys it; UpdateEventSourceMapping changes the running mapping's batching.
/// </summary>
public static class LambdaEndpoints
{
    private const string Version = "/2015-03-31";

    /// <summary>Only UpdateEventSourceMapping has a body: a few settings.</summary>
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>"ListFunctions returns a maximum of 50 items in each response" (API_ListFunctions.html).</summary>
    private const int FunctionsPerPage = 50;

    /// <summary>"ListEventSourceMappings returns a maximum of 100 items in each response" (API_ListEventSourceMappings.html).</summary>
    private const int MappingsPerPage = 100;

    /// <summary>MaxItems: "Valid Range: Minimum value of 1. Maximum value of 10000."</summary>
    private const int MaxItemsLimit = 10_000;

    private const string Latest = "$LATEST";

    /// <summary>Maps the operations' paths: call it from <see cref="AwsApiServer.StartAsync"/>'s <c>configure</c>.</summary>
    public static void Map(IEndpointRouteBuilder routes, LocalTwin twin)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(twin);
        var function = new DeployedFunction(twin.Settings, twin.Function.Options, twin.Time.GetUtcNow());
        var mapping = new DeployedMapping(twin.Mapping, twin.DeadLetterQueue.QueueArn);
        routes.MapGet(Version + "/functions", (HttpContext context) => Handle(context, (_, writer) => ListFunctions(context.Request.Query, function, writer)));
        routes.MapGet(Version + "/functions/{name}", (HttpContext context) => Handle(context, (_, writer) => GetFunction(context, function, writer)));
        routes.MapGet(Version + "/functions/{name}/configuration", (HttpContext context) => Handle(context, (_, writer) =>
            WriteConfiguration(writer, Find(function, context), null)));
        routes.MapGet(Version + "/event-source-mappings", (HttpContext context) => Handle(context, (_, writer) =>
            ListEventSourceMappings(context.Request.Query, function, mapping, writer)));
        routes.MapGet(Version + "/event-source-mappings/{uuid}", (HttpContext context) => Handle(context, (_, writer) =>
            WriteMapping(writer, Find(mapping, context))));
        // "HTTP/1.1 202" (API_UpdateEventSourceMapping.html): the update is accepted, and here in force at once.
        routes.MapPut(Version + "/event-source-mappings/{uuid}", (HttpContext context) => Handle(context, (request, writer) =>
            WriteMapping(writer, Update(Find(mapping, context), request)), StatusCodes.Status202Accepted));
    }

    private static Task Handle(HttpContext context, Action<JsonElement, Utf8JsonWriter> operation, int status = StatusCodes.Status200OK) =>
        RestJsonEndpoint.HandleAsync(context, MaxBodyBytes, operation, Invalid, status, faultType: true);

    /// <summary>https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html</summary>
    private static void ListFunctions(IQueryCollection query, DeployedFunction function, Utf8JsonWriter writer)
    {
        if (query.ContainsKey("MasterRegion"))
        {
            throw Invalid("MasterRegion is not supported by the local twin: it has no Lambda@Edge replicas.");
        }

        // FunctionVersion=ALL adds the published versions; the twin's function has only $LATEST.
        if (Optional(query, "FunctionVersion") is { } version && version != "ALL")
        {
            throw Invalid($"FunctionVersion must be ALL, not '{version}'.");
        }

        var (page, next) = Page([function], query, FunctionsPerPage, "ListFunctions");
        writer.WriteStartObject();
        writer.WriteStartArray("Functions");
        foreach (var item in page)
        {
            WriteConfiguration(writer, item, null);
        }

        writer.WriteEndArray();
        WriteNextMarker(writer, next);
        writer.WriteEndObject();
    }

    /// <summary>https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html</summary>
    private static void GetFunction(HttpContext context, DeployedFunction function, Utf8JsonWriter writer)
    {
        Find(function, context);
        writer.WriteStartObject();
        WriteConfiguration(writer, function, "Configuration");
        // An image function's code is its image (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCodeLocation.html).
        writer.WriteStartObject("Code");
        writer.WriteString("RepositoryType", "ECR");
        writer.WriteString("ImageUri", function.Settings.ImageUri);
        writer.WriteEndObject();
        // An unreserved function has no Concurrency (https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html).
        if (function.Settings.ReservedConcurrency is { } reserved)
        {
            writer.WriteStartObject("Concurrency");
            writer.WriteNumber("ReservedConcurrentExecutions", reserved);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    /// <summary>https://docs.aws.amazon.com/lambda/latest/api/API_ListEventSourceMappings.html</summary>
    private static void ListEventSourceMappings(IQueryCollection query, DeployedFunction function, DeployedMapping mapping, Utf8JsonWriter writer)
    {
        // Both filters narrow the list; a name or ARN that matches nothing gives an empty list, not an error.
        var matches = (Optional(query, "FunctionName") is not { } name || Names(function, name) is (true, null))
            && (Optional(query, "EventSourceArn") is not { } source || source == mapping.Mapping.EventSourceArn);
        var (page, next) = Page<DeployedMapping>(matches ? [mapping] : [], query, MappingsPerPage, "ListEventSourceMappings");
        writer.WriteStartObject();
        writer.WriteStartArray("EventSourceMappings");
        foreach (var item in page)
        {
            WriteMapping(writer, item);
        }

        writer.WriteEndArray();
        WriteNextMarker(writer, next);
        writer.WriteEndObject();
    }

    /// <summary>
    /// https://docs.aws.amazon.com/lambda/latest/api/API_UpdateEventSourceMapping.html: the batch size, the batching
    /// window and the tumbling window, with Kinesis's ranges; every other parameter is refused, never ignored.
    /// </summary>
    private static DeployedMapping Update(DeployedMapping mapping, JsonElement request)
    {
        var options = mapping.Mapping.Options;
        foreach (var property in request.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            options = property.Name switch
            {
                // "Kinesis – Default 100. Max 10,000." (BatchSize)
                "BatchSize" => options with { BatchSize = Integer(property, 1, 10_000) },
                "MaximumBatchingWindowInSeconds" => options with { MaximumBatchingWindow = TimeSpan.FromSeconds(Integer(property, 0, 300)) },
                "TumblingWindowInSeconds" => options with { TumblingWindow = TimeSpan.FromSeconds(Integer(property, 0, 900)) },
                _ => throw Invalid(
                    $"{property.Name} is not supported by the local twin's UpdateEventSourceMapping: only BatchSize, " +
                    "MaximumBatchingWindowInSeconds and TumblingWindowInSeconds can be changed on the running mapping."),
            };
        }

        mapping.Mapping.Update(options);
        return mapping;
    }

    /// <summary>https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html, as infra/lambda.tf configures the function.</summary>
    private static void WriteConfiguration(Utf8JsonWriter writer, DeployedFunction function, string? propertyName)
    {
        var options = function.Options;
        var settings = function.Settings;
        if (propertyName is null)
        {
            writer.WriteStartObject();
        }
        else
        {
            writer.WriteStartObject(propertyName);
        }

        writer.WriteString("FunctionName", options.FunctionName);
        writer.WriteString("FunctionArn", options.FunctionArn);
        writer.WriteString("Role", options.RoleArn);
        writer.WriteNumber("CodeSize", 0);
        writer.WriteNumber("Timeout", (int)options.Timeout.TotalSeconds);
        writer.WriteNumber("MemorySize", settings.FunctionMemoryMb);
        // "The date and time that the function was last updated, in ISO-8601 format (YYYY-MM-DDThh:mm:ss.sTZD)".
        writer.WriteString("LastModified", function.Deployed.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture));
        writer.WriteString("Version", Latest);
        writer.WriteStartObject("Environment");
        writer.WriteStartObject("Variables");
        writer.WriteString(FunctionSettings.EnvironmentVariable, settings.Environment);
        writer.WriteString(FunctionSettings.EventBusVariable, settings.EventBusName);
        writer.WriteString(FunctionSettings.MetricNamespaceVariable, new ProcessorOptions().MetricNamespace);
        writer.WriteString(TraceModes.Variable, settings.TraceMode.ToWireName());
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartObject("TracingConfig");
        writer.WriteString("Mode", "Active");
        writer.WriteEndObject();
        writer.WriteString("State", "Active");
        writer.WriteString("LastUpdateStatus", "Successful");
        writer.WriteString("PackageType", "Image");
        writer.WriteStartArray("Architectures");
        writer.WriteStringValue("x86_64");
        writer.WriteEndArray();
        writer.WriteStartObject("EphemeralStorage");
        writer.WriteNumber("Size", 512);
        writer.WriteEndObject();
        writer.WriteStartObject("LoggingConfig");
        writer.WriteString("LogFormat", "Text");
        writer.WriteString("LogGroup", settings.LogGroupName);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingConfiguration.html</summary>
    private static void WriteMapping(Utf8JsonWriter writer, DeployedMapping deployed)
    {
        var mapping = deployed.Mapping;
        var options = mapping.Options;
        writer.WriteStartObject();

        writer.WriteString("UUID", mapping.Uuid);
        writer.WriteString("StartingPosition", options.StartingPosition == StartingPosition.Latest ? "LATEST" : "TRIM_HORIZON");
        writer.WriteNumber("BatchSize", options.BatchSize);
        writer.WriteNumber("MaximumBatchingWindowInSeconds", (int)options.MaximumBatchingWindow.TotalSeconds);
        writer.WriteNumber("ParallelizationFactor", options.ParallelizationFactor);
        writer.WriteString("EventSourceArn", mapping.EventSourceArn);
        writer.WriteString("FunctionArn", mapping.Function.Options.FunctionArn);
        // A timestamp in restJson1's default format, epoch seconds (https://smithy.io/2.0/spec/protocol-traits.html#timestampformat-trait).
        writer.WriteNumber("LastModified", mapping.LastModified.ToUnixTimeMilliseconds() / 1000.0);
        writer.WriteString("LastProcessingResult",
            mapping.LastError is { } error ? $"PROBLEM: {error.Message}" : mapping.RecordsCompleted > 0 ? "OK" : "No records processed");
        writer.WriteString("State", "Enabled");
        writer.WriteString("StateTransitionReason", "User action");
        writer.WriteStartObject("DestinationConfig");
        writer.WriteStartObject("OnFailure");
        writer.WriteString("Destination", deployed.OnFailureArn);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteNumber("MaximumRecordAgeInSeconds", (int)options.MaximumRecordAge.TotalSeconds);
        writer.WriteBoolean("BisectBatchOnFunctionError", options.BisectBatchOnFunctionError);
        writer.WriteNumber("MaximumRetryAttempts", options.MaximumRetryAttempts);
        writer.WriteNumber("TumblingWindowInSeconds", (int)options.TumblingWindow.TotalSeconds);
        writer.WriteStartArray("FunctionResponseTypes");
        if (options.ReportBatchItemFailures)
        {
            writer.WriteStringValue("ReportBatchItemFailures");
        }

        writer.WriteEndArray();
        writer.WriteString("EventSourceMappingArn", $"arn:aws:lambda:{options.Region}:{options.AccountId}:event-source-mapping:{mapping.Uuid}");
        writer.WriteEndObject();
    }

    /// <summary>The function a path's <c>{name}</c> (and <c>Qualifier</c>) names, or ResourceNotFoundException.</summary>
    private static DeployedFunction Find(DeployedFunction function, HttpContext context)
    {
        var name = (string)context.Request.RouteValues["name"]!;
        var (matches, qualifier) = Names(function, name);
        qualifier = Optional(context.Request.Query, "Qualifier") ?? qualifier;
        // Terraform publishes no versions and creates no aliases: $LATEST is the function's only version.
        return matches && qualifier is null or Latest
            ? function
            : throw new AwsServiceException(
                "ResourceNotFoundException", $"Function not found: {function.Options.FunctionArn}{(qualifier is null ? "" : ":" + qualifier)}", StatusCodes.Status404NotFound);
    }

    private static DeployedMapping Find(DeployedMapping mapping, HttpContext context) =>
        (string?)context.Request.RouteValues["uuid"] == mapping.Mapping.Uuid
            ? mapping
            : throw new AwsServiceException("ResourceNotFoundException", "The resource you requested does not exist.", StatusCodes.Status404NotFound);

    /// <summary>
    /// Whether <paramref name="value"/> names the function in one of Lambda's forms: <c>name</c>, the ARN, or the
    /// partial ARN <c>account:function:name</c>, each with an optional <c>:qualifier</c>.
    /// </summary>
    private static (bool Matches, string? Qualifier) Names(DeployedFunction function, string value)
    {
        var options = function.Options;
        var rest = value;
        var arnPrefix = $"arn:aws:lambda:{options.Region}:";
        if (rest.StartsWith(arnPrefix, StringComparison.Ordinal))
        {
            rest = rest[arnPrefix.Length..];
        }

        var partialPrefix = $"{options.AccountId}:function:";
        if (rest.StartsWith(partialPrefix, StringComparison.Ordinal))
        {
            rest = rest[partialPrefix.Length..];
        }
        else if (rest.Length != value.Length)
        {
            return (false, null);
        }

        var parts = rest.Split(':');
        return parts.Length <= 2 && parts[0] == options.FunctionName ? (true, parts.Length == 2 ? parts[1] : null) : (false, null);
    }

    /// <summary>Marker and MaxItems paging (at most <paramref name="perPage"/> a page, whatever MaxItems asks).</summary>
    private static (IReadOnlyList<T> Page, string? NextMarker) Page<T>(IReadOnlyList<T> items, IQueryCollection query, int perPage, string operation)
    {
        var limit = perPage;
        if (Optional(query, "MaxItems") is { } text)
        {
            limit = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var maxItems) && maxItems is >= 1 and <= MaxItemsLimit
                ? Math.Min(maxItems, perPage)
                : throw Invalid($"MaxItems must be from 1 to {MaxItemsLimit}, not '{text}'.");
        }

        return PageToken.Page(items, limit, operation, Optional(query, "Marker"), () => Invalid("The Marker is not one this operation issued."));
    }

    private static void WriteNextMarker(Utf8JsonWriter writer, string? next)
    {
        if (next is not null)
        {
            writer.WriteString("NextMarker", next);
        }
    }

    private static int Integer(JsonProperty property, int minimum, int maximum) =>
        property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var value) && value >= minimum && value <= maximum
            ? value
            : throw Invalid($"{property.Name} must be a whole number from {minimum} to {maximum:N0}, not {property.Value.GetRawText()}.");

    private static string? Optional(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    private static AwsServiceException Invalid(string message) => new("InvalidParameterValueException", message);

    /// <summary>The function as Terraform deploys it, as the twin runs it since <paramref name="Deployed"/>.</summary>
    private sealed record DeployedFunction(LocalTwinSettings Settings, LocalFunctionOptions Options, DateTimeOffset Deployed);

    /// <summary>The mapping with its on-failure destination (the DLQ).</summary>
    private sealed record DeployedMapping(KinesisEventSourceMapping Mapping, string OnFailureArn);
}
