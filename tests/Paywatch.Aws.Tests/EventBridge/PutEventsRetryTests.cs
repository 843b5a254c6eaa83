using Microsoft.Extensions.Time.Testing;
using Paywatch.Aws.EventBridge;
using Paywatch.Aws.Json11;
using Paywatch.Aws.TestSupport;

namespace Paywatch.Aws.Tests.EventBridge;

/// <summary>Fault tests: what is retried, what is reported, and that the deadline stops retrying in time.</summary>
public sealed class PutEventsRetryTests
{
    [Theory]
    [InlineData(400, "ThrottlingException")]
    [InlineData(500, "InternalException")]
    [InlineData(503, "ServiceUnavailable")]
    [InlineData(429, "TooManyRequestsException")]
    public async Task A_throttled_or_failing_request_is_retried_until_it_succeeds(int status, string type)
    {
        await using var fixture = await PutEventsFixture.StartAsync();
        fixture.Endpoint.Behavior = call => call.Number <= 2 ? PutEventsTestReply.Error(status, type) : PutEventsTestReply.AcceptAll;

        var result = await fixture.Publisher().PublishAsync(PutEventsFixture.Entries(4), CancellationToken.None);

        Assert.True(result.AllPublished);
        Assert.Equal(3, fixture.Endpoint.Calls.Count);
        Assert.Equal(Enumerable.Range(0, 4), fixture.Endpoint.Events.Select(PutEventsFixture.N));
    }

    [Fact]
    public async Task Entries_failed_in_a_partial_FailedEntryCount_are_retried_alone()
    {
        await using var fixture = await PutEventsFixture.StartAsync();
        fixture.Endpoint.Behavior = call => PutEventsTestReply.Entries(
            [.. call.Entries.Select((e, i) => PutEventsFixture.N(e) % 3 == 0 && call.Attempts[i] == 1 ? "ThrottlingException" : null)]);

        var result = await fixture.Publisher().PublishAsync(PutEventsFixture.Entries(10), CancellationToken.None);

        Assert.True(result.AllPublished);
        var calls = fixture.Endpoint.Calls;
        Assert.Equal(2, calls.Count);
        Assert.Equal([0, 3, 6, 9], calls[1].Entries.Select(PutEventsFixture.N));
        Assert.Equal(Enumerable.Range(0, 10), fixture.Endpoint.Events.Select(PutEventsFixture.N).Order());
    }

    [Fact]
    public async Task InternalFailure_entries_are_retried_too()
    {
        await using var fixture = await PutEventsFixture.StartAsync();
        fixture.Endpoint.Behavior = call => PutEventsTestReply.Entries([.. call.Attempts.Select(a => a < 3 ? "InternalFailure" : null)]);

        var result = await fixture.Publisher().PublishAsync(PutEventsFixture.Entries(2), CancellationToken.None);

        Assert.True(result.AllPublished);
        Assert.Equal(3, fixture.Endpoint.Calls.Count);
    }

    [Fact]
    public async Task Permanent_entry_errors_are_reported_exactly_and_not_retried()
    {
        await using var fixture = await PutEventsFixture.StartAsync();
        int[] bad = [2, 5, 7, 13];
        fixture.Endpoint.Behavior = call => PutEventsTestReply.Entries(
            [.. call.Entries.Select(e => bad.Contains(PutEventsFixture.N(e)) ? "InvalidArgument" : null)]);

        var outcome = await fixture.Publisher().PublishDetailedAsync(PutEventsFixture.Entries(15), CancellationToken.None);

        Assert.Equal(bad, outcome.Failures.Select(f => f.Index));
        Assert.Equal(bad, outcome.ToPublishResult().FailedEntries);
        Assert.All(outcome.Failures, f => Assert.Equal("InvalidArgument", f.ErrorCode));
        Assert.Equal(2, fixture.Endpoint.Calls.Count);
        Assert.Equal(11, fixture.Endpoint.Events.Count);
    }

    [Fact]
    public async Task A_persistent_throttle_ends_in_exactly_the_throttled_entries_after_the_attempt_limit()
    {
        await using var fixture = await PutEventsFixture.StartAsync();
        int[] throttled = [3, 12, 24];
        fixture.Endpoint.Behavior = call => PutEventsTestReply.Entries(
            [.. call.Entries.Select(e => throttled.Contains(PutEventsFixture.N(e)) ? "ThrottlingException" : null)]);

        var outcome = await fixture.Publisher(new PutEventsOptions { MaxAttempts = 4 })
            .PublishDetailedAsync(PutEventsFixture.Entries(25), CancellationToken.None);

        Assert.Equal(throttled, outcome.Failures.Select(f => f.Index));
        Assert.All(outcome.Failures, f => Assert.Equal("ThrottlingException", f.ErrorCode));
        Assert.All(fixture.Endpoint.Calls.Where(c => c.Entries.Any(e => throttled.Contains(PutEventsFixture.N(e)))),
            c => Assert.True(c.Attempts.Max() <= 4));
        Assert.Equal(3 + (3 * 3), fixture.Endpoint.Calls.Count); // 3 first requests, then 3 retries for each of the 3 chunks
        Assert.Equal(22, fixture.Endpoint.Events.Count);
        Assert.Contains("\"failed_entries\":3", fixture.Diagnostics.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_error_that_is_not_retryable_fails_its_entries_at_once()
    {
        await using var fixture = await PutEventsFixture.StartAsync();
        fixture.Endpoint.Behavior = call => call.Entries.Any(e => PutEventsFixture.N(e) >= 10)
            ? PutEventsTestReply.Error(400, "ValidationException")
            : PutEventsTestReply.AcceptAll;

        var outcome = await fixture.Publisher().PublishDetailedAsync(PutEventsFixture.Entries(12), CancellationToken.None);

        Assert.Equal([10, 11], outcome.Failures.Select(f => f.Index));
        Assert.Equal(2, fixture.Endpoint.Calls.Count);
    }

    [Fact]
    public async Task A_network_failure_is_retried_and_then_reported()
    {
        // A closed port on 127.0.0.1: every attempt is a connection refused.
        var port = FreePort();
        using var http = new HttpClient();
        var client = new Paywatch.Aws.Json11.AwsJsonClient(http,
            new Paywatch.Aws.Signing.SigV4Signer(PutEventsFixture.Credentials, "us-east-1", "events"),
            new Uri($"http://127.0.0.1:{port}/"), "AWSEvents");
        var publisher = new PutEventsPublisher(client, new PutEventsOptions { MaxAttempts = 3 }, random: () => 0);

        var outcome = await publisher.PublishDetailedAsync(PutEventsFixture.Entries(3), CancellationToken.None);

        Assert.Equal([0, 1, 2], outcome.Failures.Select(f => f.Index));
        Assert.All(outcome.Failures, f => Assert.Equal("NetworkError", f.ErrorCode));
        Assert.Equal(3, outcome.Requests);
    }

    [Fact]
    public async Task Near_the_deadline_retrying_stops_in_time_and_the_rest_is_reported_failed()
    {
        await using var fixture = await PutEventsFixture.StartAsync();
        fixture.Endpoint.Behavior = _ => PutEventsTestReply.Error(400, "ThrottlingException");
        var time = new TimerCountingTime(new FakeTimeProvider(PutEventsFixture.Time));
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(1500), time);

        // Jitter draws its maximum: the backoffs are 1 s, then 2 s, so the second one outlives the deadline.
        var publisher = fixture.Publisher(
            new PutEventsOptions { MaxAttempts = 10, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(8) },
            time, random: () => 1);
        var publish = publisher.PublishDetailedAsync(PutEventsFixture.Entries(12), deadline.Token).AsTask();

        // Timers: the deadline's, then per chunk (2 chunks) and round one attempt timeout and one backoff.
        await WhenAsync(() => time.TimersCreated == 1 + 4, publish);
        time.Fake.Advance(TimeSpan.FromSeconds(1));
        await WhenAsync(() => time.TimersCreated == 1 + 8, publish);
        Assert.Equal(4, fixture.Endpoint.Requests);
        time.Fake.Advance(TimeSpan.FromMilliseconds(500));

        var finished = await Task.WhenAny(publish, Task.Delay(TimeSpan.FromSeconds(10), TimeProvider.System));
        Assert.Same(publish, finished);
        var outcome = await publish;
        Assert.Equal(Enumerable.Range(0, 12), outcome.Failures.Select(f => f.Index));
        Assert.All(outcome.Failures, f => Assert.Equal("ThrottlingException", f.ErrorCode));
        Assert.Equal(4, fixture.Endpoint.Requests);
    }

    [Fact]
    public async Task A_request_that_stalls_past_the_attempt_timeout_is_abandoned_and_retried()
    {
        await using var fixture = await PutEventsFixture.StartAsync();
        using var release = new ManualResetEventSlim();
        fixture.Endpoint.Behavior = call =>
        {
            if (call.Number == 1)
            {
                release.Wait(TimeSpan.FromSeconds(30)); // the endpoint stalls until the test lets it go
            }

            return PutEventsTestReply.AcceptAll;
        };
        var time = new TimerCountingTime(new FakeTimeProvider(PutEventsFixture.Time));
        var publisher = fixture.Publisher(new PutEventsOptions { AttemptTimeout = TimeSpan.FromSeconds(5) }, time);

        var publish = publisher.PublishDetailedAsync(PutEventsFixture.Entries(3), CancellationToken.None).AsTask();
        await WhenAsync(() => fixture.Endpoint.Calls.Count == 1 && time.TimersCreated == 1, publish);
        time.Fake.Advance(TimeSpan.FromSeconds(5));

        var outcome = await publish;
        release.Set();
        Assert.Empty(outcome.Failures);
        Assert.Equal(2, outcome.Requests);
        // The retry carried every entry again; once released, the stalled call may be accepted too (at-least-once).
        Assert.Equal(3, fixture.Endpoint.Calls[1].Entries.Count);
    }

    [Fact]
    public async Task An_already_expired_deadline_sends_nothing_and_reports_every_entry()
    {
        await using var fixture = await PutEventsFixture.StartAsync();

        var outcome = await fixture.Publisher().PublishDetailedAsync(PutEventsFixture.Entries(15), new CancellationToken(canceled: true));

        Assert.Equal(Enumerable.Range(0, 15), outcome.Failures.Select(f => f.Index));
        Assert.All(outcome.Failures, f => Assert.Equal(PutEventsPublisher.DeadlineReached, f.ErrorCode));
        Assert.Equal(0, fixture.Endpoint.Requests);
    }

    [Theory]
    [InlineData(1, 0.5, 50)]
    [InlineData(2, 0.5, 100)]
    [InlineData(3, 1.0, 400)]
    [InlineData(10, 1.0, 2000)]
    [InlineData(10, 0.0, 0)]
    public void Backoff_is_full_jitter_over_a_doubling_capped_ceiling(int retry, double random, int expectedMilliseconds)
    {
        var delay = RetryBackoff.Delay(retry, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), random);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), delay);
    }

    /// <summary>Waits (on real time, briefly) for the endpoint to see what the publisher has certainly sent by now.</summary>
    private static async Task WhenAsync(Func<bool> condition, Task publish)
    {
        var limit = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.False(publish.IsCompleted, "the publish ended early");
            Assert.True(DateTime.UtcNow < limit, "the endpoint did not see the expected requests");
            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
        }
    }

    /// <summary>The fake clock, counting the timers created on it, so a test knows when the publisher is waiting.</summary>
    private sealed class TimerCountingTime(FakeTimeProvider fake) : TimeProvider
    {
        private int _timers;

        public FakeTimeProvider Fake => fake;

        public int TimersCreated => Volatile.Read(ref _timers);

        public override DateTimeOffset GetUtcNow() => fake.GetUtcNow();

        public override long GetTimestamp() => fake.GetTimestamp();

        public override long TimestampFrequency => fake.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return fake.CreateTimer(callback, state, dueTime, period);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
