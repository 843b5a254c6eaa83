using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Aws.Query;
using Paywatch.Aws.Signing;
using Paywatch.Aws.Tests.Signing;
using Paywatch.Aws.TestSupport;

namespace Paywatch.Aws.Tests.Query;

/// <summary>The query protocol as https://smithy.io/2.0/aws/protocols/aws-query-protocol.html and the SNS API reference shape it.</summary>
public sealed class AwsQueryClientTests
{
    private static readonly AwsCredentials Credentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token");

    [Fact]
    public async Task The_action_version_and_parameters_are_a_signed_form_and_the_result_element_is_read()
    {
        ReceivedRequest? received = null;
        await using var server = await LoopbackHttpServer.StartAsync(async context =>
        {
            received = await ReceivedRequest.ReadAsync(context);
            // The ListSubscriptionsByTopic example response of https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html.
            await context.Response.WriteAsync("""
                <ListSubscriptionsByTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
                  <ListSubscriptionsByTopicResult>
                    <Subscriptions>
                      <member>
                        <TopicArn>arn:aws:sns:us-east-2:123456789012:My-Topic</TopicArn>
                        <Protocol>email</Protocol>
                        <SubscriptionArn>arn:aws:sns:us-east-2:123456789012:My-Topic:80289ba6-0fd4-4079-afb4-ce8c8260f0ca</SubscriptionArn>
                        <Owner>123456789012</Owner>
                        <Endpoint>example@amazon.com</Endpoint>
                      </member>
                    </Subscriptions>
                  </ListSubscriptionsByTopicResult>
                  <ResponseMetadata><RequestId>b9275252-3774-11df-9540-99d0768312d3</RequestId></ResponseMetadata>
                </ListSubscriptionsByTopicResponse>
                """);
        });
        var client = new AwsQueryClient(new HttpClient(), new SigV4Signer(Credentials, "us-east-2", "sns"), server.Url, "2010-03-31", new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero)));

        var response = await client.SendAsync("ListSubscriptionsByTopic", [KeyValuePair.Create("TopicArn", "arn:aws:sns:us-east-2:123456789012:My-Topic")], CancellationToken.None);

        Assert.True(response.IsSuccess, response.Error?.Message);
        Assert.Equal("ListSubscriptionsByTopicResult", response.Result!.Name.LocalName);
        var member = Assert.Single(AwsQueryResponse.Descendants(response.Result, "member"));
        Assert.Equal("arn:aws:sns:us-east-2:123456789012:My-Topic:80289ba6-0fd4-4079-afb4-ce8c8260f0ca", AwsQueryResponse.Child(member, "SubscriptionArn"));
        Assert.NotNull(received);
        Assert.Equal("POST", received.Method);
        Assert.Equal("/", received.RawTarget);
        Assert.Equal(AwsQueryClient.ContentType, received.ContentType);
        // The form's values are percent-encoded (':' is not an unreserved character).
        Assert.Equal("Action=ListSubscriptionsByTopic&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-2%3A123456789012%3AMy-Topic", Encoding.UTF8.GetString(received.Body));
        Assert.Equal("20261207T120000Z", received.AmzDate);
        Assert.Equal("session-token", received.SecurityToken);
        Assert.Contains(received.SignedHeaders, h => h.Key == "content-type");
        Assert.True(received.SignatureMatches(Credentials, "us-east-2", "sns"), received.Authorization);
    }

    [Fact]
    public void List_parameters_are_flattened_as_numbered_members_from_one()
    {
        Assert.Equal(
            [KeyValuePair.Create("AlarmTypes.member.1", "CompositeAlarm"), KeyValuePair.Create("AlarmTypes.member.2", "MetricAlarm")],
            AwsQueryClient.ListMembers("AlarmTypes", ["CompositeAlarm", "MetricAlarm"]));
    }

    [Fact]
    public async Task An_error_response_gives_its_code_and_message_and_is_not_retryable_when_the_sender_is_at_fault()
    {
        await using var server = await LoopbackHttpServer.StartAsync(async context =>
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("""
                <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
                  <Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error>
                  <RequestId>9dd01905-5012-5f99-8663-4b3ecd0dfaef</RequestId>
                </ErrorResponse>
                """);
        });
        var client = new AwsQueryClient(new HttpClient(), new SigV4Signer(Credentials, "us-east-1", "sns"), server.Url, "2010-03-31");

        var response = await client.SendAsync("GetTopicAttributes", [KeyValuePair.Create("TopicArn", "arn:aws:sns:us-east-1:1:none")], CancellationToken.None);

        Assert.Equal(new Paywatch.Aws.Json11.AwsJsonError("NotFound", "Topic does not exist", 404, IsRetryable: false), response.Error);
        Assert.Null(response.Result);
    }

    [Theory]
    [InlineData(400, "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>", "Throttling", true)]
    [InlineData(502, "<html>Bad Gateway</html", "ServiceUnavailable", true)]
    [InlineData(403, "", "Http403", false)]
    public void Errors_are_classified_from_their_code_or_status(int status, string body, string type, bool retryable)
    {
        var error = AwsQueryErrors.Parse(status, null, Encoding.UTF8.GetBytes(body));

        Assert.Equal(type, error.Type);
        Assert.Equal(retryable, error.IsRetryable);
    }

    [Fact]
    public async Task A_connection_refused_is_a_retryable_network_error_not_an_exception()
    {
        var client = new AwsQueryClient(new HttpClient(), new SigV4Signer(Credentials, "us-east-1", "monitoring"), new Uri("http://127.0.0.1:9/"), "2010-08-01");

        var response = await client.SendAsync("DescribeAlarms", [], CancellationToken.None);

        Assert.Equal("NetworkError", response.Error?.Type);
        Assert.True(response.Error!.IsRetryable);
    }
}
