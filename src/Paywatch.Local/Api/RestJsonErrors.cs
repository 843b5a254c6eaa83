namespace Paywatch.Local.Api;

/// <summary>How a restJson1 service answers bad input: its body limit and validation error, and its error shape.</summary>
/// <param name="MaxBodyBytes">The most a request body may hold.</param>
/// <param name="Validation">The error for a request that breaks its input shape or is not JSON.</param>
/// <param name="FaultType">
/// The error body also names whose fault it is, as Lambda's errors do: <c>{"Type": "User", "Message": ...}</c>, or
/// <c>"Service"</c> for a 5xx (the <c>Type</c> and <c>Message</c> members of every error shape in the Lambda API
/// reference, e.g. https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html#API_GetFunction_Errors).
/// </param>
internal sealed record RestJsonErrors(int MaxBodyBytes, string Validation, bool FaultType);
