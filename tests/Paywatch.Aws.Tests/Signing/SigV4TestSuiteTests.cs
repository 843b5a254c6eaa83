using System.Text;
using System.Text.Json;
using Paywatch.Aws.Signing;

namespace Paywatch.Aws.Tests.Signing;

/// <summary>The signer against AWS's published Signature Version 4 test suite (see Vectors/README.md for the sources).</summary>
public sealed class SigV4TestSuiteTests
{
    private static readonly JsonElement Suite = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Signing", "Vectors", "sigv4-test-suite.json"))).RootElement;

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var testCase in Suite.GetProperty("cases").EnumerateArray())
        {
            names.Add(testCase.GetProperty("name").GetString()!);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Authorization_header_matches_the_published_vector(string name)
    {
        var (signature, testCase) = Sign(name);

        Assert.Equal(testCase.GetProperty("authorization").GetString(), signature.Authorization);
        Assert.Equal("20150830T123600Z", signature.AmzDate);
        if (testCase.TryGetProperty("canonical_request", out var canonical))
        {
            Assert.Equal(canonical.GetString(), signature.CanonicalRequest);
        }

        if (testCase.TryGetProperty("string_to_sign", out var stringToSign))
        {
            Assert.Equal(stringToSign.GetString(), signature.StringToSign);
        }

        if (testCase.TryGetProperty("canonical_request_sha256", out var hash))
        {
            Assert.Equal(hash.GetString(), SigV4Signer.Sha256Hex(Encoding.UTF8.GetBytes(signature.CanonicalRequest)));
        }
    }

    [Fact]
    public void Session_token_is_signed_and_returned_for_the_X_Amz_Security_Token_header()
    {
        var (signature, testCase) = Sign("get-vanilla-with-session-token");

        Assert.Equal(testCase.GetProperty("session_token").GetString(), signature.SecurityToken);
        Assert.Contains("x-amz-security-token:" + signature.SecurityToken, signature.CanonicalRequest, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_session_token_no_security_token_is_signed()
    {
        var (signature, _) = Sign("get-vanilla");

        Assert.Null(signature.SecurityToken);
        Assert.DoesNotContain("x-amz-security-token", signature.CanonicalRequest, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_never_print_the_secret_or_the_token()
    {
        var credentials = new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "token-value");

        Assert.DoesNotContain("EXAMPLEKEY", credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("token-value", credentials.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_come_from_the_variables_Lambda_sets()
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "ASIAEXAMPLE",
            ["AWS_SECRET_ACCESS_KEY"] = "secret",
            ["AWS_SESSION_TOKEN"] = "token",
        };

        var credentials = AwsCredentials.FromEnvironment(environment.GetValueOrDefault);

        Assert.Equal(new AwsCredentials("ASIAEXAMPLE", "secret", "token"), credentials);
        Assert.Null(AwsCredentials.FromEnvironment(new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "a", ["AWS_SECRET_ACCESS_KEY"] = "s" }.GetValueOrDefault).SessionToken);
        Assert.Throws<InvalidOperationException>(() => AwsCredentials.FromEnvironment(_ => null));
    }

    private static (SigV4Signature Signature, JsonElement Case) Sign(string name)
    {
        var testCase = Suite.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var credentials = Suite.GetProperty("credentials");
        var signer = new SigV4Signer(
            new AwsCredentials(
                credentials.GetProperty("access_key_id").GetString()!,
                credentials.GetProperty("secret_access_key").GetString()!,
                testCase.TryGetProperty("session_token", out var token) ? token.GetString() : null),
            Suite.GetProperty("region").GetString()!,
            testCase.TryGetProperty("service", out var service) ? service.GetString()! : Suite.GetProperty("service").GetString()!);
        var request = new SigV4Request(
            testCase.GetProperty("method").GetString()!,
            testCase.GetProperty("path").GetString()!,
            Pairs(testCase.GetProperty("query")),
            Pairs(testCase.GetProperty("headers")),
            SigV4Signer.Sha256Hex(Encoding.UTF8.GetBytes(testCase.GetProperty("body").GetString()!)));
        return (signer.Sign(request, DateTimeOffset.Parse(Suite.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture)), testCase);
    }

    private static List<KeyValuePair<string, string>> Pairs(JsonElement array) =>
        [.. array.EnumerateArray().Select(p => new KeyValuePair<string, string>(p[0].GetString()!, p[1].GetString()!))];
}
