using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Paywatch.Aws.TestSupport;

/// <summary>
/// A stand-in X-Ray daemon on 127.0.0.1 (UDP): keeps every datagram, and splits each into the header line and the
/// segment document. Point <c>AWS_XRAY_DAEMON_ADDRESS</c> at <see cref="Address"/>.
/// </summary>
public sealed class XRayDaemonListener : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<string> _datagrams = [];
    private readonly Task _receiving;

    public XRayDaemonListener()
    {
        _receiving = ReceiveAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_udp.Client.LocalEndPoint!;

    /// <summary>The value for <c>AWS_XRAY_DAEMON_ADDRESS</c>.</summary>
    public string Address => $"127.0.0.1:{EndPoint.Port}";

    /// <summary>Every datagram received, as text.</summary>
    public IReadOnlyList<string> Datagrams { get { lock (_lock) { return [.. _datagrams]; } } }

    /// <summary>The documents (after the header line) of the datagrams received.</summary>
    public IReadOnlyList<JsonElement> Documents() =>
        [.. Datagrams.Select(d => JsonDocument.Parse(d[(d.IndexOf('\n', StringComparison.Ordinal) + 1)..]).RootElement)];

    /// <summary>Waits, up to <paramref name="timeout"/> of real time, until at least <paramref name="count"/> datagrams have arrived.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var limit = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (Datagrams.Count < count)
        {
            if (DateTime.UtcNow > limit)
            {
                throw new TimeoutException($"Received {Datagrams.Count} X-Ray datagrams, expected {count}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System).ConfigureAwait(false);
        }

        return Documents();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
        try
        {
            _receiving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The socket was closed under the pending receive: that is how the loop ends.
        }

        _stop.Dispose();
    }

    private async Task ReceiveAsync()
    {
        _udp.Client.ReceiveBufferSize = 4 * 1024 * 1024;
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult result;
            try
            {
                result = await _udp.ReceiveAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            lock (_lock)
            {
                _datagrams.Add(Encoding.UTF8.GetString(result.Buffer));
            }
        }
    }
}
