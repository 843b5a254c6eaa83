using System.Text;
using Paywatch.Aws.Json11;

namespace Paywatch.Aws.Tests.Json11;

/// <summary>Error parsing per the awsJson1_1 protocol, and the retry classification of the SDKs' standard mode.</summary>
public sealed class AwsJsonErrorsTests
{
    [Theory]
    [InlineData(400, """{"__type":"com.amazon.coral.availability#ThrottlingException","message":"Rate exceeded"}""", "ThrottlingException", "Rate exceeded", true)]
    [InlineData(500, """{"__type":"InternalException","Message":"oops"}""", "InternalException", "oops", true)]
    [InlineData(503, "<html>busy</html>", "ServiceUnavailable", "HTTP 503", true)]
    [InlineData(429, "{}", "Http429", "HTTP 429", true)]
    [InlineData(400, """{"__type":"ValidationException","message":"bad"}""", "ValidationException", "bad", false)]
    [InlineData(400, """{"__type":"AccessDeniedException:http://internal.amazon.com/coral/","message":"no"}""", "AccessDeniedException", "no", false)]
    [InlineData(403, """{"code":"InvalidSignatureException","message":"sig"}""", "InvalidSignatureException", "sig", false)]
    public void Error_type_and_message_are_read_and_classified(int status, string body, string type, string message, bool retryable)
    {
        var error = AwsJsonErrors.Parse(status, null, Encoding.UTF8.GetBytes(body));

        Assert.Equal(new AwsJsonError(type, message, status, retryable), error);
    }

    [Fact]
    public void The_X_Amzn_ErrorType_header_takes_precedence_over_the_body()
    {
        var error = AwsJsonErrors.Parse(400, "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/",
            """{"__type":"Other"}"""u8);

        Assert.Equal("ThrottlingException", error.Type);
        Assert.True(error.IsRetryable);
    }
}
