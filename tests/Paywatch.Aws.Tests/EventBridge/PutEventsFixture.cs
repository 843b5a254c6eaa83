using System.Text;
using Paywatch.Aws.EventBridge;
using Paywatch.Aws.Json11;
using Paywatch.Aws.Signing;
using Paywatch.Aws.TestSupport;
using Paywatch.Core.Routing;

namespace Paywatch.Aws.Tests.EventBridge;

/// <summary>A signature-checking PutEvents endpoint on 127.0.0.1 and a publisher pointed at it.</summary>
internal sealed class PutEventsFixture : IAsyncDisposable
{
    public static readonly AwsCredentials Credentials = new("ASIATESTACCESSKEY", "test/secret+key", "test-session-token");
    public static readonly DateTimeOffset Time = new(2026, 11, 26, 12, 0, 0, 123, TimeSpan.Zero);

    private readonly HttpClient _http = new();

    private PutEventsFixture(PutEventsTestEndpoint endpoint)
    {
        Endpoint = endpoint;
    }

    public PutEventsTestEndpoint Endpoint { get; }

    public StringWriter Diagnostics { get; } = new();

    public static async Task<PutEventsFixture> StartAsync() => new(await PutEventsTestEndpoint.StartAsync(Credentials));

    /// <summary>A publisher whose jitter draws 0 unless told otherwise, so retries need no clock.</summary>
    public PutEventsPublisher Publisher(
        PutEventsOptions? options = null, TimeProvider? time = null, Func<double>? random = null, AwsCredentials? credentials = null) =>
        new(Client(credentials), options, time, random ?? (() => 0), Diagnostics);

    public AwsJsonClient Client(AwsCredentials? credentials = null) =>
        new(_http, new SigV4Signer(credentials ?? Credentials, "us-east-1", PutEventsPublisher.SigningName), Endpoint.Url, PutEventsPublisher.TargetPrefix);

    /// <summary>Entries whose Detail is <c>{"n":i,"pad":"xxx…"}</c>, padded so the whole Detail is <paramref name="detailBytes"/> long.</summary>
    public static EventEntry[] Entries(int count, int detailBytes = 0)
    {
        var entries = new EventEntry[count];
        for (var i = 0; i < count; i++)
        {
            var head = $"{{\"n\":{i},\"pad\":\"";
            var pad = Math.Max(0, detailBytes - head.Length - 2);
            entries[i] = Entry(head + new string('x', pad) + "\"}");
        }

        return entries;
    }

    public static EventEntry Entry(string detail) =>
        new("paywatch.transactions", "Transaction Processed", Encoding.UTF8.GetBytes(detail), "paywatch-transactions", Time);

    /// <summary>The <c>n</c> of an entry the endpoint received.</summary>
    public static int N(ReceivedEvent received) =>
        System.Text.Json.JsonDocument.Parse(received.Detail).RootElement.GetProperty("n").GetInt32();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Endpoint.DisposeAsync();
    }
}
