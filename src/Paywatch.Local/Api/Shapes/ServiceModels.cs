namespace Paywatch.Local.Api.Shapes;

/// <summary>
/// The service models embedded in this assembly (<c>Api/Models/*.json</c>, trimmed from botocore by
/// <c>Api/Models/regenerate.py</c>), each parsed once on first use.
/// </summary>
internal static class ServiceModels
{
    private static readonly Lazy<ServiceModel> CloudWatchModel = new(() => Load("cloudwatch"));
    private static readonly Lazy<IReadOnlyList<ServiceModel>> AllModels = new(() =>
        [CloudWatch, .. ((string[])["kinesis", "sns", "sqs", "events", "logs", "lambda", "xray"]).Select(Load)]);

    public static ServiceModel CloudWatch => CloudWatchModel.Value;

    /// <summary>Every model: the eight services the twin serves.</summary>
    public static IReadOnlyList<ServiceModel> All => AllModels.Value;

    /// <summary>The JSON-protocol model with this <c>X-Amz-Target</c> prefix, or null.</summary>
    public static ServiceModel? ByTargetPrefix(string targetPrefix) => All.FirstOrDefault(m => m.TargetPrefix == targetPrefix);

    /// <summary>The model with this <c>serviceId</c> (<c>SNS</c>, <c>Lambda</c>, <c>XRay</c>, ...).</summary>
    public static ServiceModel ById(string serviceId) => All.First(m => m.ServiceId == serviceId);

    private static ServiceModel Load(string name)
    {
        using var stream = typeof(ServiceModels).Assembly.GetManifestResourceStream($"Paywatch.Local.Api.Models.{name}.json")
            ?? throw new InvalidOperationException($"The service model {name}.json is not embedded in {typeof(ServiceModels).Assembly.GetName().Name}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return ServiceModel.Parse(buffer.ToArray());
    }
}
