using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
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
/// described as infra/lambda.tf deploys it; UpdateEventSourceMapping changes the running mapping's batching. A request
/// that breaks the model's constraints is a ValidationException ("The input fails to satisfy the constraints specified
/// by an AWS service", https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html) in AWS's "1 validation error
/// detected" words.
/// </summary>
public sealed class LambdaService : AwsService
{
    /// <summary>"ListFunctions returns a maximum of 50 items in each response" (API_ListFunctions.html).</summary>
    private const int FunctionsPerPage = 50;

    /// <summary>"ListEventSourceMappings returns a maximum of 100 items in each response" (API_ListEventSourceMappings.html).</summary>
    private const int MappingsPerPage = 100;

    private const string Latest = "$LATEST";

    private readonly DeployedFunction _function;
    private readonly DeployedMapping _mapping;

    public LambdaService(LocalTwin twin)
        : base("Lambda", "ValidationException", typeErrorType: "ValidationException")
    {
        ArgumentNullException.ThrowIfNull(twin);
        _function = new DeployedFunction(twin.Settings, twin.Function.Options, twin.Time.GetUtcNow());
        _mapping = new DeployedMapping(twin.Mapping, twin.DeadLetterQueue.QueueArn);
    }

    /// <summary>
    /// Lambda's errors also name whose fault it is: <c>{"Type": "User", "Message": ...}</c>, or <c>"Service"</c> for a 5xx
    /// (the <c>Type</c> and <c>Message</c> members of every error shape in the Lambda API reference, e.g.
    /// https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html#API_GetFunction_Errors).
    /// </summary>
    internal override JsonObject RestJsonErrorBody(AwsServiceException error) =>
        new() { ["Type"] = error.StatusCode >= 500 ? "Service" : "User", ["Message"] = error.Message };

    private protected override ValueTask<JsonObject> HandleAsync(string operation, JsonElement request, CancellationToken cancellationToken) => ValueTask.FromResult(operation switch
    {
        "ListFunctions" => ListFunctions(request, _function),
        "GetFunction" => GetFunction(Find(_function, request)),
        "GetFunctionConfiguration" => Configuration(Find(_function, request)),
        "ListEventSourceMappings" => ListEventSourceMappings(request, _function, _mapping),
        "GetEventSourceMapping" => Mapping(Find(_mapping, request)),
        // "HTTP/1.1 202" (API_UpdateEventSourceMapping.html, the model's responseCode): the update is accepted, and here in force at once.
        _ => Mapping(Update(Find(_mapping, request), request)),
    });

    /// <summary>https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html; the model has held FunctionVersion to ALL.</summary>
    private static JsonObject ListFunctions(JsonElement request, DeployedFunction function)
    {
        if (AwsJsonBody.String(request, "MasterRegion") is not null)
        {
            throw new AwsServiceException("InvalidParameterValueException", "MasterRegion is not supported by the local twin: it has no Lambda@Edge replicas.");
        }

        var (page, next) = Page([function], request, FunctionsPerPage, "ListFunctions");
        return new() { ["Functions"] = new JsonArray([.. page.Select(Configuration)]), ["NextMarker"] = next };
    }

    /// <summary>https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html</summary>
    private static JsonObject GetFunction(DeployedFunction function) => new()
    {
        ["Configuration"] = Configuration(function),
        // An image function's code is its image (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCodeLocation.html).
        ["Code"] = new JsonObject { ["RepositoryType"] = "ECR", ["ImageUri"] = function.Settings.ImageUri },
        // An unreserved function has no Concurrency (https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html).
        ["Concurrency"] = function.Settings.ReservedConcurrency is { } reserved ? new JsonObject { ["ReservedConcurrentExecutions"] = reserved } : null,
    };

    /// <summary>https://docs.aws.amazon.com/lambda/latest/api/API_ListEventSourceMappings.html</summary>
    private static JsonObject ListEventSourceMappings(JsonElement request, DeployedFunction function, DeployedMapping mapping)
    {
        // Both filters narrow the list; a name or ARN that matches nothing gives an empty list, not an error.
        var matches = (AwsJsonBody.String(request, "FunctionName") is not { } name || Names(function, name) is (true, null))
            && (AwsJsonBody.String(request, "EventSourceArn") is not { } source || source == mapping.Mapping.EventSourceArn);
        var (page, next) = Page<DeployedMapping>(matches ? [mapping] : [], request, MappingsPerPage, "ListEventSourceMappings");
        return new() { ["EventSourceMappings"] = new JsonArray([.. page.Select(Mapping)]), ["NextMarker"] = next };
    }

    /// <summary>
    /// https://docs.aws.amazon.com/lambda/latest/api/API_UpdateEventSourceMapping.html: the batch size, the batching
    /// window and the tumbling window, in the ranges the model has checked; every other parameter is refused, never ignored.
    /// </summary>
    private static DeployedMapping Update(DeployedMapping mapping, JsonElement request)
    {
        var options = mapping.Mapping.Options;
        foreach (var property in request.EnumerateObject().Where(p => p.Name != "UUID" && p.Value.ValueKind != JsonValueKind.Null))
        {
            options = property.Name switch
            {
                "BatchSize" => options with { BatchSize = property.Value.GetInt32() },
                "MaximumBatchingWindowInSeconds" => options with { MaximumBatchingWindow = TimeSpan.FromSeconds(property.Value.GetInt32()) },
                "TumblingWindowInSeconds" => options with { TumblingWindow = TimeSpan.FromSeconds(property.Value.GetInt32()) },
                _ => throw new AwsServiceException(
                    "InvalidParameterValueException",
                    $"{property.Name} is not supported by the local twin's UpdateEventSourceMapping: only BatchSize, " +
                    "MaximumBatchingWindowInSeconds and TumblingWindowInSeconds can be changed on the running mapping."),
            };
        }

        mapping.Mapping.Update(options);
        return mapping;
    }

    /// <summary>https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html, as infra/lambda.tf configures the function.</summary>
    private static JsonObject Configuration(DeployedFunction function)
    {
        var options = function.Options;
        var settings = function.Settings;
        return new()
        {
            ["FunctionName"] = options.FunctionName,
            ["FunctionArn"] = options.FunctionArn,
            ["Role"] = options.RoleArn,
            ["CodeSize"] = 0,
            ["Timeout"] = (int)options.Timeout.TotalSeconds,
            ["MemorySize"] = settings.FunctionMemoryMb,
            // "The date and time that the function was last updated, in ISO-8601 format (YYYY-MM-DDThh:mm:ss.sTZD)".
            ["LastModified"] = function.Deployed.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture),
            ["Version"] = Latest,
            ["Environment"] = new JsonObject
            {
                ["Variables"] = new JsonObject
                {
                    [FunctionSettings.EnvironmentVariable] = settings.Environment,
                    [FunctionSettings.EventBusVariable] = settings.EventBusName,
                    [FunctionSettings.MetricNamespaceVariable] = new ProcessorOptions().MetricNamespace,
                    [TraceModes.Variable] = settings.TraceMode.ToWireName(),
                },
            },
            ["TracingConfig"] = new JsonObject { ["Mode"] = "Active" },
            ["State"] = "Active",
            ["LastUpdateStatus"] = "Successful",
            ["PackageType"] = "Image",
            ["Architectures"] = new JsonArray("x86_64"),
            ["EphemeralStorage"] = new JsonObject { ["Size"] = 512 },
            ["LoggingConfig"] = new JsonObject { ["LogFormat"] = "Text", ["LogGroup"] = settings.LogGroupName },
        };
    }

    /// <summary>https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingConfiguration.html</summary>
    private static JsonObject Mapping(DeployedMapping deployed)
    {
        var mapping = deployed.Mapping;
        var options = mapping.Options;
        return new()
        {
            ["UUID"] = mapping.Uuid,
            ["StartingPosition"] = options.StartingPosition == StartingPosition.Latest ? "LATEST" : "TRIM_HORIZON",
            ["BatchSize"] = options.BatchSize,
            ["MaximumBatchingWindowInSeconds"] = (int)options.MaximumBatchingWindow.TotalSeconds,
            ["ParallelizationFactor"] = options.ParallelizationFactor,
            ["EventSourceArn"] = mapping.EventSourceArn,
            ["FunctionArn"] = mapping.Function.Options.FunctionArn,
            ["LastModified"] = mapping.LastModified,
            ["LastProcessingResult"] = mapping.LastError is { } error ? $"PROBLEM: {error.Message}" : mapping.RecordsCompleted > 0 ? "OK" : "No records processed",
            ["State"] = "Enabled",
            ["StateTransitionReason"] = "User action",
            ["DestinationConfig"] = new JsonObject { ["OnFailure"] = new JsonObject { ["Destination"] = deployed.OnFailureArn } },
            ["MaximumRecordAgeInSeconds"] = (int)options.MaximumRecordAge.TotalSeconds,
            ["BisectBatchOnFunctionError"] = options.BisectBatchOnFunctionError,
            ["MaximumRetryAttempts"] = options.MaximumRetryAttempts,
            ["TumblingWindowInSeconds"] = (int)options.TumblingWindow.TotalSeconds,
            ["FunctionResponseTypes"] = options.ReportBatchItemFailures ? new JsonArray("ReportBatchItemFailures") : new JsonArray(),
            ["EventSourceMappingArn"] = $"arn:aws:lambda:{options.Region}:{options.AccountId}:event-source-mapping:{mapping.Uuid}",
        };
    }

    /// <summary>The function the path's FunctionName (and the Qualifier) names, or ResourceNotFoundException.</summary>
    private static DeployedFunction Find(DeployedFunction function, JsonElement request)
    {
        var (matches, qualifier) = Names(function, AwsJsonBody.String(request, "FunctionName")!);
        qualifier = AwsJsonBody.String(request, "Qualifier") ?? qualifier;
        // Terraform publishes no versions and creates no aliases: $LATEST is the function's only version.
        return matches && qualifier is null or Latest
            ? function
            : throw new AwsServiceException(
                "ResourceNotFoundException", $"Function not found: {function.Options.FunctionArn}{(qualifier is null ? "" : ":" + qualifier)}", StatusCodes.Status404NotFound);
    }

    private static DeployedMapping Find(DeployedMapping mapping, JsonElement request) =>
        AwsJsonBody.String(request, "UUID") == mapping.Mapping.Uuid
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

    /// <summary>Marker and MaxItems paging (at most <paramref name="perPage"/> a page, whatever MaxItems asks; the model has held MaxItems to 1-10,000).</summary>
    private static (IReadOnlyList<T> Page, string? NextMarker) Page<T>(IReadOnlyList<T> items, JsonElement request, int perPage, string operation) =>
        PageToken.Page(
            items,
            Math.Min(AwsJsonBody.Int(request, "MaxItems") ?? perPage, perPage),
            operation,
            AwsJsonBody.String(request, "Marker"),
            () => new AwsServiceException("InvalidParameterValueException", "The Marker is not one this operation issued."));

    /// <summary>The function as Terraform deploys it, as the twin runs it since <paramref name="Deployed"/>.</summary>
    private sealed record DeployedFunction(LocalTwinSettings Settings, LocalFunctionOptions Options, DateTimeOffset Deployed);

    /// <summary>The mapping with its on-failure destination (the DLQ).</summary>
    private sealed record DeployedMapping(KinesisEventSourceMapping Mapping, string OnFailureArn);
}
