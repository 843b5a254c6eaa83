using System.Text.Json.Serialization;

namespace Paywatch.Local.Api.Sns;

/// <summary>SNS's typed responses as the neutral value, by source generation (no reflection); absent members are left out.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ListTopicsResponse))]
[JsonSerializable(typeof(ListSubscriptionsResponse))]
[JsonSerializable(typeof(GetTopicAttributesResponse))]
internal sealed partial class SnsJsonContext : JsonSerializerContext;
