namespace Paywatch.Local.Functions;

/// <summary>
/// The function's settings from infra/lambda.tf and infra/variables.tf (<c>aws_lambda_function.processor</c>), with the
/// twin's names: function <c>transaction-processor-local</c> in us-east-1, account 000000000000.
/// </summary>
public sealed record LocalFunctionOptions
{
    /// <summary>The function name (<c>transaction-processor-${environment}</c>), the <c>FunctionName</c> metric dimension.</summary>
    public string FunctionName { get; init; } = "transaction-processor-local";

    /// <summary><c>lambda_reserved_concurrency</c>: invocations beyond it are throttled.</summary>
    public int ReservedConcurrency { get; init; } = 20;

    /// <summary><c>lambda_timeout_seconds</c>: an invocation running longer is an error.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public string Region { get; init; } = "us-east-1";

    public string AccountId { get; init; } = "000000000000";

    /// <summary><c>arn:aws:lambda:{region}:{account}:function:{name}</c>.</summary>
    public string FunctionArn => $"arn:aws:lambda:{Region}:{AccountId}:function:{FunctionName}";

    /// <summary>The execution role Terraform creates (<c>${function_name}-role</c>, infra/iam.tf): the event's <c>invokeIdentityArn</c>.</summary>
    public string RoleArn => $"arn:aws:iam::{AccountId}:role/{FunctionName}-role";

    /// <exception cref="ArgumentException">A setting is out of the range infra/variables.tf allows.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(FunctionName) || FunctionName.Length > 64)
        {
            throw new ArgumentException("Function setting FunctionName must be 1-64 characters.", nameof(FunctionName));
        }

        if (ReservedConcurrency is < 1 or > 1000)
        {
            throw new ArgumentException("Function setting ReservedConcurrency must be from 1 to 1000.", nameof(ReservedConcurrency));
        }

        if (Timeout < TimeSpan.FromSeconds(1) || Timeout > TimeSpan.FromSeconds(900))
        {
            throw new ArgumentException("Function setting Timeout must be from 1 to 900 seconds.", nameof(Timeout));
        }
    }
}
