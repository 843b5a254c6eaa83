using Paywatch.Aws.Runtime;
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Paywatch.Local;
using Paywatch.Local.Functions;
using Paywatch.Local.Notifications;
using Paywatch.Local.Streams;
using Paywatch.Local.Tests;
using Paywatch.Local.Tests.Twin;

namespace Paywatch.Web.Tests;

/// <summary>
/// A real twin on a fake clock with the web UI mapped on its port, as <c>paywatch up</c> serves it, and an HTTP client
/// on 127.0.0.1. Every API response body is kept, so that a test can scan them all (for card numbers).
/// </summary>
internal sealed class WebTwin : IAsyncDisposable
{
    /// <summary>12:00:10 on the test day: the twin's clock starts here.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 10, TimeSpan.Zero);

    private readonly TemporaryDirectory _folder;
    private readonly ConcurrentQueue<string> _bodies = new();

    private WebTwin(TemporaryDirectory folder, SteppedClock clock, LocalTwin twin, RecordingSubscription topic)
    {
        _folder = folder;
        Clock = clock;
        Twin = twin;
        Delivered = topic;
        Http = new HttpClient { BaseAddress = twin.Api.Url };
    }

    public SteppedClock Clock { get; }

    public LocalTwin Twin { get; }

    public HttpClient Http { get; }

    /// <summary>What the alerts topic delivered.</summary>
    public RecordingSubscription Delivered { get; }

    /// <summary>Every response body read so far.</summary>
    public IEnumerable<string> Bodies => _bodies;

    public static async Task<WebTwin> StartAsync(Func<ILambdaFunction, ILambdaFunction>? function = null)
    {
        var folder = new TemporaryDirectory();
        var clock = new SteppedClock(Start);
        var topic = new RecordingSubscription();
        var twin = await LocalTwin.StartAsync(
            // One shard: the tests send a handful of incidents at one instant, and one shard's two lanes may each tell
            // five a second from the window's open (ten lanes, one each, at staggered instants: docs/alerting.md).
            new LocalTwinSettings { DataDirectory = folder.Path, Port = 0, ShardCount = 1 },
            RepositoryRoot.Config,
            [topic],
            clock.Time,
            function,
            routes: (app, t) => WebUi.Map(app, t, RepositoryRoot.Config));
        return new WebTwin(folder, clock, twin, topic);
    }

    /// <summary>Puts the records (one partition key each) and moves the clock until the mapping has completed them all.</summary>
    public async Task SendAsync(IReadOnlyList<(string Key, string Json)> records)
    {
        var completed = Twin.Mapping.RecordsCompleted + records.Count;
        var results = await Twin.Stream.PutRecordsAsync([.. records.Select(r => new PutRecordEntry(r.Key, Encoding.UTF8.GetBytes(r.Json)))]);
        Assert.All(results, r => Assert.Null(r.ErrorCode));
        await Clock.AdvanceUntilAsync(() => Twin.Mapping.RecordsCompleted >= completed, TimeSpan.FromSeconds(60), $"{records.Count} records completed");
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await ReadAsync(response));
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri(path, UriKind.Relative), content);
        return (response.StatusCode, await ReadAsync(response));
    }

    /// <summary>GET that must succeed.</summary>
    public async Task<JsonElement> GetOkAsync(string path)
    {
        var (status, body) = await GetAsync(path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {(int)status} {body}");
        return body;
    }

    /// <summary>POST that must succeed.</summary>
    public async Task<JsonElement> PostOkAsync(string path, string json)
    {
        var (status, body) = await PostAsync(path, json);
        Assert.True(status == HttpStatusCode.OK, $"POST {path}: {(int)status} {body}");
        return body;
    }

    /// <summary>An ISO 8601 time for a query string or body.</summary>
    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Twin.DisposeAsync();
        _folder.Dispose();
    }

    private async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        _bodies.Enqueue(text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The alerts topic's subscriber: every notification delivered.</summary>
    internal sealed class RecordingSubscription : ITopicSubscription
    {
        private readonly ConcurrentQueue<TopicNotification> _delivered = new();

        public string Protocol => "test";

        public IReadOnlyList<TopicNotification> All => [.. _delivered];

        public Task DeliverAsync(TopicNotification notification, CancellationToken cancellationToken)
        {
            _delivered.Enqueue(notification);
            return Task.CompletedTask;
        }
    }
}
