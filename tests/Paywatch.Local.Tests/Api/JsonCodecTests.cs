using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Local.Api;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Api.Shapes;

namespace Paywatch.Local.Tests.Api;

/// <summary>The JSON 1.0/1.1 codec: the model decides the operation and the request's validity before a handler runs.</summary>
public sealed class JsonCodecTests
{
    /// <summary>
    /// DescribeLogGroups' limit is 1-50 (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html),
    /// and CloudWatch Logs answers a bad parameter with InvalidParameterException (same page, Errors).
    /// </summary>
    [Fact]
    public async Task A_request_breaking_its_input_shape_is_refused_with_the_service_s_error_before_the_handler_runs()
    {
        var ran = false;

        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await JsonCodec.HandleAsync(
            ServiceModels.ById("CloudWatch Logs"), "DescribeLogGroups", """{"limit":0}"""u8.ToArray(), Handler(() => ran = true), CancellationToken.None, "InvalidParameterException"));

        Assert.False(ran);
        Assert.Equal(
            ("InvalidParameterException", "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"),
            (error.ErrorType, error.Message));
    }

    /// <summary>GetQueueUrl's QueueName is required; SQS names a missing parameter MissingParameter (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html).</summary>
    [Fact]
    public async Task A_missing_required_member_takes_the_service_s_own_error_type()
    {
        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await JsonCodec.HandleAsync(
            ServiceModels.ById("SQS"), "GetQueueUrl", "{}"u8.ToArray(), Handler(() => { }), CancellationToken.None, "InvalidParameterValue", "MissingParameter"));

        Assert.Equal("MissingParameter", error.ErrorType);
    }

    [Fact]
    public async Task An_operation_not_in_the_model_is_UnknownOperationException()
    {
        var error = await Assert.ThrowsAsync<AwsServiceException>(async () => await JsonCodec.HandleAsync(
            ServiceModels.ById("Kinesis"), "CreateStream", """{"StreamName":"s","ShardCount":1}"""u8.ToArray(), Handler(() => { }), CancellationToken.None));

        Assert.Equal("UnknownOperationException", error.ErrorType);
    }

    /// <summary>An absent member is left out, as AWS leaves it out (a null would be a member of the wrong type); text is written as it is.</summary>
    [Fact]
    public void The_answer_leaves_out_null_members_at_every_depth_and_keeps_non_ASCII_text()
    {
        var body = JsonCodec.Write(new JsonObject
        {
            ["NextToken"] = null,
            ["Records"] = new JsonArray(new JsonObject { ["ErrorCode"] = null, ["ShardId"] = "shardId-000000000000", ["PartitionKey"] = "Zürich" }),
        });

        Assert.Equal("""{"Records":[{"ShardId":"shardId-000000000000","PartitionKey":"Zürich"}]}""", Encoding.UTF8.GetString(body));
    }

    /// <summary>
    /// A handler answers a time as a time; the model says how it is written. AWS JSON 1.0 writes a timestamp shape as epoch
    /// seconds with a fraction (https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html, "timestamp": "epoch-seconds").
    /// </summary>
    [Fact]
    public void A_time_is_written_as_its_timestamp_shape_says_and_refused_where_the_model_has_no_timestamp()
    {
        var output = ServiceModels.CloudWatch.Operation("DescribeAlarmHistory").Output;
        var time = new DateTimeOffset(2026, 12, 7, 10, 0, 0, 500, TimeSpan.Zero);

        var body = JsonCodec.Write(new JsonObject { ["AlarmHistoryItems"] = new JsonArray(new JsonObject { ["AlarmName"] = "a", ["Timestamp"] = time }) }, output);

        Assert.Equal("""{"AlarmHistoryItems":[{"AlarmName":"a","Timestamp":1796637600.5}]}""", Encoding.UTF8.GetString(body));
        Assert.Throws<InvalidOperationException>(() => JsonCodec.Write(new JsonObject { ["AlarmHistoryItems"] = new JsonArray(new JsonObject { ["AlarmName"] = time }) }, output));
    }

    [Fact]
    public async Task A_valid_request_reaches_the_handler_and_its_answer_is_the_body()
    {
        var body = await JsonCodec.HandleAsync(
            ServiceModels.ById("Kinesis"), "ListStreams", """{"Limit":1}"""u8.ToArray(), (_, request, _) => ValueTask.FromResult(new JsonObject { ["StreamNames"] = new JsonArray($"limit {request.GetProperty("Limit")}"), ["HasMoreStreams"] = false }), CancellationToken.None);

        Assert.Equal("""{"StreamNames":["limit 1"],"HasMoreStreams":false}""", Encoding.UTF8.GetString(body));
    }

    private static Func<string, JsonElement, CancellationToken, ValueTask<JsonObject>> Handler(Action ran) => (_, _, _) =>
    {
        ran();
        return ValueTask.FromResult(new JsonObject());
    };
}
