using System.Diagnostics;
using System.Text;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Paywatch.Aws.Otlp;
using Paywatch.Aws.TestSupport;
using Paywatch.Aws.Tests.XRay;
using Paywatch.Core.Telemetry;

namespace Paywatch.Aws.Tests.Otlp;

/// <summary>OTLP as an option: off unless an endpoint is configured; on, spans reach an OTLP/HTTP receiver.</summary>
[Collection(ProcessorSpansGroup.Name)]
public sealed class OtlpTracingTests
{
    [Fact]
    public void Without_an_OTLP_endpoint_nothing_is_started()
    {
        Assert.Null(OtlpTracing.ProcessorFromEnvironment(_ => null));
    }

    [Fact]
    public async Task With_an_endpoint_the_processors_spans_are_posted_as_OTLP_protobuf()
    {
        var received = new List<(string Path, string? ContentType, byte[] Body)>();
        await using var receiver = await LoopbackHttpServer.StartAsync(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            lock (received)
            {
                received.Add((context.Request.Path, context.Request.ContentType, body.ToArray()));
            }
        });
        var url = receiver.Url.ToString().TrimEnd('/');

        // The exporter reads the OTEL_* variables from the process itself; this test runs alone, so they are set here.
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", url);
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        try
        {
            var otlp = OtlpTracing.ProcessorFromEnvironment();
            Assert.NotNull(otlp);
            using var provider = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
                .AddSource(ProcessorTelemetry.ActivitySourceName)
                .ConfigureResource(resource => resource.AddService("paywatch-otlp-test"))
                .AddProcessor(otlp)
                .Build();
            using var source = new ActivitySource(ProcessorTelemetry.ActivitySourceName);
            using (source.StartActivity(ProcessorTelemetry.Spans.Batch))
            {
                using var transaction = source.StartActivity(ProcessorTelemetry.Spans.Transaction);
                transaction?.SetTag(ProcessorTelemetry.Tags.TransactionId, "txn-otlp-1");
            }

            Assert.True(provider.ForceFlush(10_000));
        }
        finally
        {
            Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", null);
            Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", null);
        }

        var request = Assert.Single(received);
        Assert.Equal("/v1/traces", request.Path);
        Assert.Equal("application/x-protobuf", request.ContentType);
        var text = Encoding.UTF8.GetString(request.Body);
        Assert.Contains("ProcessBatch", text, StringComparison.Ordinal);
        Assert.Contains("txn-otlp-1", text, StringComparison.Ordinal);
        Assert.Contains("paywatch-otlp-test", text, StringComparison.Ordinal);
    }
}
