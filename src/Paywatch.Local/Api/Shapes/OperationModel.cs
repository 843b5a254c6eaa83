namespace Paywatch.Local.Api.Shapes;

/// <summary>One operation of a service model: its input and output shapes, the query protocol's result wrapper and the HTTP binding restJson routes by (method, URI template, success status).</summary>
internal sealed record OperationModel(string Name, Shape? Input, Shape? Output, string? ResultWrapper, string HttpMethod, string RequestUri, int SuccessStatus);
