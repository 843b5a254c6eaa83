using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Paywatch.Local.Api;
using Paywatch.Local.Streams;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Tests.Streams;

/// <summary>The twin's stream behind <see cref="AwsApiServer"/> on 127.0.0.1, and a raw JSON 1.1 caller for it.</summary>
internal sealed class KinesisEndpoint : IAsyncDisposable
{
    private readonly TemporaryDirectory _folder;
    private readonly HttpClient _http = new();

    private KinesisEndpoint(TemporaryDirectory folder, DurableStream stream, AwsApiServer server, FakeTimeProvider time, MetricStore metrics)
    {
        _folder = folder;
        Stream = stream;
        Server = server;
        Time = time;
        Metrics = metrics;
    }

    public DurableStream Stream { get; }

    public AwsApiServer Server { get; }

    public FakeTimeProvider Time { get; }

    public MetricStore Metrics { get; }

    public static async Task<KinesisEndpoint> StartAsync(Func<DurableStreamOptions, DurableStreamOptions>? configure = null)
    {
        var folder = new TemporaryDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var metrics = new MetricStore(TimeSpan.FromDays(1));
        var options = (configure ?? (o => o))(new DurableStreamOptions("transaction-stream-local", folder.Path));
        var stream = DurableStream.Open(options, time, metrics);
        var server = await AwsApiServer.StartAsync(0, [new KinesisService([stream], time)]);
        return new KinesisEndpoint(folder, stream, server, time, metrics);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(string operation, object request)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, Server.Url)
        {
            Content = new StringContent(JsonSerializer.Serialize(request), Encoding.UTF8, "application/x-amz-json-1.1"),
        };
        message.Headers.Add("X-Amz-Target", "Kinesis_20131202." + operation);
        using var response = await _http.SendAsync(message);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body);
    }

    public async Task<JsonElement> OkAsync(string operation, object request)
    {
        var (status, body) = await CallAsync(operation, request);
        Assert.True(status == HttpStatusCode.OK, $"{operation}: {(int)status} {body}");
        return body;
    }

    /// <summary>Calls an operation that must fail, and returns its error type and message.</summary>
    public async Task<(string Type, string Message)> ErrorAsync(string operation, object request)
    {
        var (status, body) = await CallAsync(operation, request);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        return (body.GetProperty("__type").GetString()!, body.GetProperty("message").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Server.DisposeAsync();
        await Stream.DisposeAsync();
        _folder.Dispose();
    }
}
