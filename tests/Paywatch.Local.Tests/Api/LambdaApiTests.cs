using System.Net;
using System.Text;
using System.Text.Json;
using Paywatch.Local.Streams;

namespace Paywatch.Local.Tests.Api;

/// <summary>
/// The twin's Lambda API with the unmodified AWS CLI: the function and the event source mapping as infra/lambda.tf
/// deploys them, and UpdateEventSourceMapping changing the running mapping
/// (https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html).
/// </summary>
public sealed class LambdaApiTests
{
    [Fact]
    public async Task ListFunctions_lists_the_processor_as_Terraform_configures_it()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);

        var list = await AwsCli.JsonAsync(twin.Api.Url, "lambda", "list-functions", "--page-size", "1");

        var function = Assert.Single(list.GetProperty("Functions").EnumerateArray());
        Assert.False(list.TryGetProperty("NextMarker", out _));
        Assert.Equal("transaction-processor-local", function.GetProperty("FunctionName").GetString());
        Assert.Equal("arn:aws:lambda:us-east-1:000000000000:function:transaction-processor-local", function.GetProperty("FunctionArn").GetString());
        Assert.Equal("arn:aws:iam::000000000000:role/transaction-processor-local-role", function.GetProperty("Role").GetString());
        Assert.Equal(512, function.GetProperty("MemorySize").GetInt32());
        Assert.Equal(60, function.GetProperty("Timeout").GetInt32());
        Assert.Equal("Image", function.GetProperty("PackageType").GetString());
        Assert.Equal("Active", function.GetProperty("TracingConfig").GetProperty("Mode").GetString());
        Assert.Equal("$LATEST", function.GetProperty("Version").GetString());
        Assert.Equal("/aws/lambda/transaction-processor-local", function.GetProperty("LoggingConfig").GetProperty("LogGroup").GetString());
        var variables = function.GetProperty("Environment").GetProperty("Variables");
        Assert.Equal("paywatch-transactions-local", variables.GetProperty("PAYWATCH_EVENT_BUS_NAME").GetString());
        Assert.Equal("invocation", variables.GetProperty("PAYWATCH_TRACE_MODE").GetString());
    }

    [Fact]
    public async Task ListFunctions_refuses_MaxItems_out_of_range_and_a_marker_it_did_not_issue()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);

        var (tooMany, _, tooManyError) = await AwsCli.RunAsync(twin.Api.Url, "lambda", "list-functions", "--page-size", "10001");
        // The CLI's --starting-token carries the Marker it wraps.
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"Marker": "bogus"}"""));
        var (marker, _, markerError) = await AwsCli.RunAsync(twin.Api.Url, "lambda", "list-functions", "--starting-token", token);

        // MaxItems: "Valid Range: Minimum value of 1. Maximum value of 10000." (API_ListFunctions.html), broken as AWS
        // reports a broken constraint: a ValidationException (https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html).
        Assert.NotEqual(0, tooMany);
        Assert.Contains("ValidationException", tooManyError, StringComparison.Ordinal);
        Assert.Contains(
            "1 validation error detected: Value '10001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 10000",
            tooManyError,
            StringComparison.Ordinal);
        Assert.NotEqual(0, marker);
        Assert.Contains("InvalidParameterValueException", markerError, StringComparison.Ordinal);
    }

    /// <summary>Members bound to the query string are held to the model too: FunctionVersion's "Valid Values: ALL" (API_ListFunctions.html).</summary>
    [Fact]
    public async Task ListFunctions_refuses_a_FunctionVersion_outside_its_enum_in_AWS_validation_words()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);
        using var client = new HttpClient();

        using var response = await client.GetAsync(new Uri(twin.Api.Url, "2015-03-31/functions?FunctionVersion=LATEST"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationException", Assert.Single(response.Headers.GetValues("x-amzn-ErrorType")));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(
            "1 validation error detected: Value 'LATEST' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]",
            body.GetProperty("Message").GetString());
    }

    [Theory]
    [InlineData("transaction-processor-local")]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:transaction-processor-local")]
    [InlineData("000000000000:function:transaction-processor-local:$LATEST")]
    public async Task GetFunction_takes_each_of_Lambda_s_name_forms_and_gives_the_image_of_an_unreserved_function(string name)
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);

        var function = await AwsCli.JsonAsync(twin.Api.Url, "lambda", "get-function", "--function-name", name);
        var configuration = await AwsCli.JsonAsync(twin.Api.Url, "lambda", "get-function-configuration", "--function-name", name);

        Assert.Equal(twin.Settings.FunctionArn, function.GetProperty("Configuration").GetProperty("FunctionArn").GetString());
        Assert.Equal("ECR", function.GetProperty("Code").GetProperty("RepositoryType").GetString());
        Assert.Equal("000000000000.dkr.ecr.us-east-1.amazonaws.com/transaction-processor-local:v1", function.GetProperty("Code").GetProperty("ImageUri").GetString());
        // Unreserved, as Terraform leaves it by default: GetFunction has no Concurrency (API_GetFunction.html).
        Assert.False(function.TryGetProperty("Concurrency", out _));
        Assert.True(JsonElement.DeepEquals(function.GetProperty("Configuration"), configuration));
    }

    [Theory]
    [InlineData("--function-name", "transaction-processor-other")]
    [InlineData("--function-name", "arn:aws:lambda:eu-west-1:000000000000:function:transaction-processor-local")]
    [InlineData("--qualifier", "1")]
    public async Task GetFunction_of_another_function_or_version_is_ResourceNotFoundException(string option, string value)
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);
        string[] arguments = option == "--qualifier"
            ? ["lambda", "get-function", "--function-name", "transaction-processor-local", option, value]
            : ["lambda", "get-function", option, value];

        var (exitCode, _, error) = await AwsCli.RunAsync(twin.Api.Url, arguments);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("ResourceNotFoundException", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListEventSourceMappings_gives_the_mapping_with_Terraform_s_settings_and_filters_by_function_and_source()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);

        var all = await AwsCli.JsonAsync(twin.Api.Url, "lambda", "list-event-source-mappings", "--page-size", "1");
        var byFunction = await AwsCli.JsonAsync(twin.Api.Url, "lambda", "list-event-source-mappings", "--function-name", twin.Settings.FunctionName);
        var bySource = await AwsCli.JsonAsync(twin.Api.Url, "lambda", "list-event-source-mappings", "--event-source-arn", twin.Settings.StreamArn);
        var otherFunction = await AwsCli.JsonAsync(twin.Api.Url, "lambda", "list-event-source-mappings", "--function-name", "another-function");
        var otherSource = await AwsCli.JsonAsync(
            twin.Api.Url, "lambda", "list-event-source-mappings", "--event-source-arn", "arn:aws:kinesis:us-east-1:000000000000:stream/another");

        var mapping = Assert.Single(all.GetProperty("EventSourceMappings").EnumerateArray());
        Assert.Equal(twin.Mapping.Uuid, mapping.GetProperty("UUID").GetString());
        Assert.Equal(twin.Settings.StreamArn, mapping.GetProperty("EventSourceArn").GetString());
        Assert.Equal(twin.Settings.FunctionArn, mapping.GetProperty("FunctionArn").GetString());
        Assert.Equal("LATEST", mapping.GetProperty("StartingPosition").GetString());
        Assert.Equal(100, mapping.GetProperty("BatchSize").GetInt32());
        Assert.Equal(1, mapping.GetProperty("MaximumBatchingWindowInSeconds").GetInt32());
        Assert.Equal(2, mapping.GetProperty("ParallelizationFactor").GetInt32());
        Assert.Equal(300, mapping.GetProperty("TumblingWindowInSeconds").GetInt32());
        Assert.Equal(3, mapping.GetProperty("MaximumRetryAttempts").GetInt32());
        Assert.Equal(3600, mapping.GetProperty("MaximumRecordAgeInSeconds").GetInt32());
        Assert.True(mapping.GetProperty("BisectBatchOnFunctionError").GetBoolean());
        Assert.Equal(["ReportBatchItemFailures"], mapping.GetProperty("FunctionResponseTypes").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("Enabled", mapping.GetProperty("State").GetString());
        Assert.Equal(
            "arn:aws:sqs:us-east-1:000000000000:transaction-processor-dlq-local",
            mapping.GetProperty("DestinationConfig").GetProperty("OnFailure").GetProperty("Destination").GetString());
        Assert.Equal(mapping.GetRawText(), Assert.Single(byFunction.GetProperty("EventSourceMappings").EnumerateArray()).GetRawText());
        Assert.Equal(mapping.GetRawText(), Assert.Single(bySource.GetProperty("EventSourceMappings").EnumerateArray()).GetRawText());
        Assert.Empty(otherFunction.GetProperty("EventSourceMappings").EnumerateArray());
        Assert.Empty(otherSource.GetProperty("EventSourceMappings").EnumerateArray());
    }

    [Fact]
    public async Task GetEventSourceMapping_by_its_UUID_and_an_unknown_UUID_is_a_404_ResourceNotFoundException()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);
        using var client = new HttpClient();

        var mapping = await AwsCli.JsonAsync(twin.Api.Url, "lambda", "get-event-source-mapping", "--uuid", twin.Mapping.Uuid);
        var (exitCode, _, error) = await AwsCli.RunAsync(twin.Api.Url, "lambda", "get-event-source-mapping", "--uuid", "00000000-0000-0000-0000-000000000000");
        using var response = await client.GetAsync(new Uri(twin.Api.Url, "2015-03-31/event-source-mappings/nope"));

        Assert.Equal(twin.Mapping.Uuid, mapping.GetProperty("UUID").GetString());
        Assert.NotEqual(0, exitCode);
        Assert.Contains("ResourceNotFoundException", error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ResourceNotFoundException", Assert.Single(response.Headers.GetValues("x-amzn-ErrorType")));
        // Lambda's error shape (API_GetEventSourceMapping.html, Errors): whose fault it is, and the message.
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["Type", "Message"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("User", body.GetProperty("Type").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("Message").GetString()));
    }

    [Fact]
    public async Task UpdateEventSourceMapping_changes_the_batch_size_the_running_mapping_invokes_with()
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);

        var updated = await AwsCli.JsonAsync(
            twin.Api.Url, "lambda", "update-event-source-mapping", "--uuid", twin.Mapping.Uuid, "--batch-size", "3", "--tumbling-window-in-seconds", "0");
        // Seven records at once, gathered within the batching window (1 s, Terraform's).
        await twin.Stream.PutRecordsAsync([.. Enumerable.Range(0, 7).Select(i => new PutRecordEntry("card-1", Encoding.UTF8.GetBytes(
            $$"""{"transaction_id":"txn-{{i}}","amount":10,"currency":"EUR","type":"PURCHASE","merchant_id":"m-1","merchant_country":"DE"}""")))]);

        var until = DateTime.UtcNow.AddSeconds(60);
        while (twin.Mapping.RecordsCompleted < 7)
        {
            Assert.True(DateTime.UtcNow < until, "timed out");
            await Task.Delay(50);
        }

        var read = await AwsCli.JsonAsync(twin.Api.Url, "lambda", "get-event-source-mapping", "--uuid", twin.Mapping.Uuid);

        Assert.Equal(3, updated.GetProperty("BatchSize").GetInt32());
        Assert.Equal(0, updated.GetProperty("TumblingWindowInSeconds").GetInt32());
        Assert.Equal(3, read.GetProperty("BatchSize").GetInt32());
        Assert.Equal(3, twin.Mapping.Options.BatchSize);
        // One partition key, one lane: batches of 3, 3 and 1, each a batch span of its own.
        var batches = twin.Traces.Spans(Paywatch.Core.Telemetry.ProcessorTelemetry.Spans.Batch);
        Assert.Equal([3, 3, 1], batches.Select(b => int.Parse(b.Tags.First(t => t.Key == Paywatch.Core.Telemetry.ProcessorTelemetry.Tags.RecordCount).Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    // The ranges of API_UpdateEventSourceMapping.html ("BatchSize ... Maximum value of 10000", "TumblingWindowInSeconds ...
    // Maximum value of 900", "MaximumBatchingWindowInSeconds ... Maximum value of 300"), broken: AWS's ValidationException.
    [InlineData("--batch-size", "10001", "ValidationException", "1 validation error detected: Value '10001' at 'batchSize' failed to satisfy constraint: Member must have value less than or equal to 10000")]
    [InlineData("--tumbling-window-in-seconds", "901", "ValidationException", "Value '901' at 'tumblingWindowInSeconds' failed to satisfy constraint: Member must have value less than or equal to 900")]
    [InlineData("--maximum-batching-window-in-seconds", "301", "ValidationException", "Value '301' at 'maximumBatchingWindowInSeconds' failed to satisfy constraint: Member must have value less than or equal to 300")]
    [InlineData("--parallelization-factor", "3", "InvalidParameterValueException", "ParallelizationFactor is not supported by the local twin")]
    [InlineData("--no-enabled", null, "InvalidParameterValueException", "Enabled is not supported by the local twin")]
    public async Task UpdateEventSourceMapping_refuses_a_value_out_of_range_or_a_parameter_it_cannot_change(string option, string? value, string errorType, string message)
    {
        using var folder = new TemporaryDirectory();
        await using var twin = await StartAsync(folder);
        string[] arguments = ["lambda", "update-event-source-mapping", "--uuid", twin.Mapping.Uuid, option, .. value is null ? Array.Empty<string>() : [value]];

        var (exitCode, _, error) = await AwsCli.RunAsync(twin.Api.Url, arguments);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"({errorType})", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Equal(100, twin.Mapping.Options.BatchSize);
        Assert.Equal(2, twin.Mapping.Options.ParallelizationFactor);
    }

    private static async Task<LocalTwin> StartAsync(TemporaryDirectory folder) =>
        await LocalTwin.StartAsync(new LocalTwinSettings { DataDirectory = folder.Path, Port = 0 }, RepositoryRoot.Config, [], TimeProvider.System);
}
