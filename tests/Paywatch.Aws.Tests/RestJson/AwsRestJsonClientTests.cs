using System.Text;
using Microsoft.AspNetCore.Http;
using Paywatch.Aws.RestJson;
using Paywatch.Aws.Signing;
using Paywatch.Aws.Tests.Signing;
using Paywatch.Aws.TestSupport;

namespace Paywatch.Aws.Tests.RestJson;

/// <summary>restJson1 as https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html and the Lambda and X-Ray API references shape it.</summary>
public sealed class AwsRestJsonClientTests
{
    private static readonly AwsCredentials Credentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    [Fact]
    public async Task A_get_sends_its_query_encoded_once_and_signs_it_as_sent()
    {
        ReceivedRequest? received = null;
        await using var server = await LoopbackHttpServer.StartAsync(async context =>
        {
            received = await ReceivedRequest.ReadAsync(context);
            await context.Response.WriteAsync("""{"EventSourceMappings":[]}""");
        });
        var client = new AwsRestJsonClient(new HttpClient(), new SigV4Signer(Credentials, "eu-west-1", "lambda"), server.Url);

        // https://docs.aws.amazon.com/lambda/latest/api/API_ListEventSourceMappings.html: GET /2015-03-31/event-source-mappings/?EventSourceArn=…&FunctionName=…
        var response = await client.GetAsync(
            "/2015-03-31/event-source-mappings",
            [KeyValuePair.Create("FunctionName", "transaction-processor-prod"), KeyValuePair.Create("EventSourceArn", "arn:aws:kinesis:eu-west-1:123456789012:stream/transaction-stream-prod")],
            CancellationToken.None);

        Assert.True(response.IsSuccess, response.Error?.Message);
        Assert.Equal("""{"EventSourceMappings":[]}""", Encoding.UTF8.GetString(response.Body));
        Assert.NotNull(received);
        Assert.Equal("GET", received.Method);
        Assert.Equal("/2015-03-31/event-source-mappings?FunctionName=transaction-processor-prod&EventSourceArn=arn%3Aaws%3Akinesis%3Aeu-west-1%3A123456789012%3Astream%2Ftransaction-stream-prod", received.RawTarget);
        Assert.Null(received.ContentType);
        Assert.Empty(received.Body);
        Assert.True(received.SignatureMatches(Credentials, "eu-west-1", "lambda"), received.Authorization);
    }

    [Fact]
    public async Task A_post_sends_its_json_body_signed()
    {
        ReceivedRequest? received = null;
        await using var server = await LoopbackHttpServer.StartAsync(async context =>
        {
            received = await ReceivedRequest.ReadAsync(context);
            await context.Response.WriteAsync("""{"Traces":[],"UnprocessedTraceIds":[]}""");
        });
        var client = new AwsRestJsonClient(new HttpClient(), new SigV4Signer(Credentials, "us-east-1", "xray"), server.Url);

        var response = await client.PostAsync("/Traces", Encoding.UTF8.GetBytes("""{"TraceIds":["1-5759e988-bd862e3fe1be46a994272793"]}"""), CancellationToken.None);

        Assert.True(response.IsSuccess);
        Assert.Equal("POST", received!.Method);
        Assert.Equal("/Traces", received.RawTarget);
        Assert.Equal(AwsRestJsonClient.ContentType, received.ContentType);
        Assert.Equal("""{"TraceIds":["1-5759e988-bd862e3fe1be46a994272793"]}""", Encoding.UTF8.GetString(received.Body));
        Assert.True(received.SignatureMatches(Credentials, "us-east-1", "xray"), received.Authorization);
    }

    [Fact]
    public async Task An_error_takes_its_type_from_the_error_type_header_and_its_message_from_the_body()
    {
        await using var server = await LoopbackHttpServer.StartAsync(async context =>
        {
            // Lambda's error shape: the type in X-Amzn-ErrorType, {"Type": "User", "Message": …} in the body.
            context.Response.StatusCode = 404;
            context.Response.Headers["X-Amzn-ErrorType"] = "ResourceNotFoundException";
            await context.Response.WriteAsync("""{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"}""");
        });
        var client = new AwsRestJsonClient(new HttpClient(), new SigV4Signer(Credentials, "us-east-1", "lambda"), server.Url);

        var response = await client.GetAsync("/2015-03-31/functions/nope", [], CancellationToken.None);

        Assert.Equal("ResourceNotFoundException", response.Error?.Type);
        Assert.Equal("Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope", response.Error!.Message);
        Assert.False(response.Error.IsRetryable);
    }
}
