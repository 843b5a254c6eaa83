using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Api.Shapes;

namespace Paywatch.Local.Api;

/// <summary>
/// One AWS service of the twin, driven by its model (<c>Api/Models</c>). Whatever protocol a request arrives in (JSON,
/// query, RPC v2 CBOR or restJson, as the model lists them), its endpoint reads it into the neutral request and calls
/// <see cref="HandleAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/>, which refuses an operation the model
/// lacks, validates the request against the input shape in the service's own error types, runs the behaviour and
/// writes the answer by the output shape (<see cref="JsonCodec.HandleAsync"/>). A service is behaviour only: the
/// neutral request in, the neutral response out.
/// </summary>
public abstract class AwsService : IAwsJsonService
{
    private readonly string _constraintErrorType;
    private readonly string? _missingErrorType;

    /// <param name="serviceId">The model's <c>serviceId</c> (<c>Kinesis</c>, <c>CloudWatch Logs</c>, ...).</param>
    /// <param name="constraintErrorType">The service's error for a request that breaks its input shape: <c>ValidationException</c>, or its own (CloudWatch's <c>ValidationError</c>).</param>
    /// <param name="missingErrorType">Its own error for a missing required member (SQS's <c>MissingParameter</c>), or null for the constraint error.</param>
    /// <param name="typeErrorType">Its error for a value not of its shape's type: <c>SerializationException</c>, or its own.</param>
    private protected AwsService(string serviceId, string constraintErrorType = "ValidationException", string? missingErrorType = null, string typeErrorType = "SerializationException")
    {
        Model = ServiceModels.ById(serviceId);
        _constraintErrorType = constraintErrorType;
        _missingErrorType = missingErrorType;
        TypeErrorType = typeErrorType;
    }

    /// <summary>The target prefix of its JSON protocol; empty for a service without one (the restJson services).</summary>
    public string TargetPrefix => Model.TargetPrefix ?? "";

    internal ServiceModel Model { get; }

    /// <summary>Its error for a value not of its shape's type, or a body that is not JSON.</summary>
    internal string TypeErrorType { get; }

    /// <summary>Runs one operation on the neutral request (the JSON protocol's body).</summary>
    /// <returns>The neutral response.</returns>
    /// <exception cref="AwsServiceException">The operation failed as AWS would fail it; an unknown operation and a request that breaks its shape included.</exception>
    public ValueTask<byte[]> HandleAsync(string operation, ReadOnlyMemory<byte> requestBody, CancellationToken cancellationToken) =>
        JsonCodec.HandleAsync(Model, operation, requestBody, HandleAsync, cancellationToken, _constraintErrorType, _missingErrorType, TypeErrorType);

    /// <summary>The body of an error over restJson, which each such service shapes its own way; <c>{"message": ...}</c> by default.</summary>
    internal virtual JsonObject RestJsonErrorBody(AwsServiceException error) => new() { ["message"] = error.Message };

    /// <summary>The behaviour: a request valid for the operation's input shape in, the answer in its output shape's member names out.</summary>
    private protected abstract ValueTask<JsonObject> HandleAsync(string operation, JsonElement request, CancellationToken cancellationToken);
}
