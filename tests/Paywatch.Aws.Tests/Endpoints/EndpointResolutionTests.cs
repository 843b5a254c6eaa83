using Paywatch.Aws.Endpoints;

namespace Paywatch.Aws.Tests.Endpoints;

/// <summary>Endpoints and region as the AWS SDKs resolve them ("Service-specific endpoints", AWS SDKs and Tools Reference Guide).</summary>
public sealed class EndpointResolutionTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Without_configuration_the_regional_public_endpoint_is_used()
    {
        Assert.Equal(new Uri("https://events.eu-west-1.amazonaws.com"), AwsEndpointResolver.EventBridge("eu-west-1", Env()));
    }

    [Fact]
    public void China_regions_use_the_amazonaws_com_cn_suffix()
    {
        Assert.Equal(new Uri("https://events.cn-north-1.amazonaws.com.cn"), AwsEndpointResolver.EventBridge("cn-north-1", Env()));
    }

    [Fact]
    public void The_global_AWS_ENDPOINT_URL_overrides_the_public_endpoint()
    {
        Assert.Equal(new Uri("http://127.0.0.1:4600"),
            AwsEndpointResolver.EventBridge("us-east-1", Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:4600"))));
    }

    [Fact]
    public void The_service_specific_variable_wins_over_the_global_one()
    {
        var environment = Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:4600"), ("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:9001"));

        Assert.Equal(new Uri("http://127.0.0.1:9001"), AwsEndpointResolver.EventBridge("us-east-1", environment));
    }

    [Fact]
    public void Service_ids_with_spaces_become_underscored_upper_case_variables()
    {
        var environment = Env(("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:9002"));

        Assert.Equal(new Uri("http://127.0.0.1:9002"), AwsEndpointResolver.Resolve("CloudWatch Logs", "logs", "us-east-1", environment));
    }

    [Fact]
    public void AWS_IGNORE_CONFIGURED_ENDPOINT_URLS_restores_the_public_endpoint()
    {
        var environment = Env(("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:9001"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));

        Assert.Equal(new Uri("https://events.us-east-1.amazonaws.com"), AwsEndpointResolver.EventBridge("us-east-1", environment));
    }

    [Fact]
    public void A_configured_endpoint_that_is_not_an_http_url_is_refused_with_the_variable_named()
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => AwsEndpointResolver.EventBridge("us-east-1", Env(("AWS_ENDPOINT_URL_EVENTBRIDGE", "localhost:9001"))));

        Assert.Contains("AWS_ENDPOINT_URL_EVENTBRIDGE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Region_comes_from_AWS_REGION_then_AWS_DEFAULT_REGION()
    {
        Assert.Equal("eu-central-1", AwsRegion.FromEnvironment(Env(("AWS_REGION", "eu-central-1"), ("AWS_DEFAULT_REGION", "us-west-2"))));
        Assert.Equal("us-west-2", AwsRegion.FromEnvironment(Env(("AWS_DEFAULT_REGION", "us-west-2"))));
        Assert.Throws<InvalidOperationException>(() => AwsRegion.FromEnvironment(Env()));
    }
}
