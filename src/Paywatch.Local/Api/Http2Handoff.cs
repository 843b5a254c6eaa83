using System.Net;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Paywatch.Local.Api;

/// <summary>
/// Lets one cleartext port serve HTTP/1.1 and HTTP/2 with prior knowledge (RFC 9113 §3.3): a connection that opens
/// with the HTTP/2 connection preface is relayed, byte for byte, to the endpoint's HTTP/2-only listener on loopback;
/// any other goes on to HTTP/1.1. Kestrel chooses one protocol per cleartext endpoint (dotnet/aspnetcore#56984),
/// and the AWS SDK for JavaScript's Kinesis client sends HTTP/2 from the first byte.
/// </summary>
internal static class Http2Handoff
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    public static async Task RouteAsync(ConnectionContext connection, ConnectionDelegate next, Func<IPEndPoint> http2Endpoint)
    {
        var input = connection.Transport.Input;
        bool isHttp2;
        while (true)
        {
            // Read only as far as it takes to tell: a short HTTP/1.0 request must not wait for 24 bytes.
            var read = await input.ReadAsync(connection.ConnectionClosed).ConfigureAwait(false);
            var buffer = read.Buffer;
            var known = (int)Math.Min(buffer.Length, Preface.Length);
            var matches = StartsLikePreface(buffer.Slice(0, known));
            if (!matches || known == Preface.Length || read.IsCompleted)
            {
                isHttp2 = matches && known == Preface.Length;
                // Nothing consumed: HTTP/1.1 (or the relay) reads the same bytes again.
                input.AdvanceTo(buffer.Start);
                break;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }

        if (!isHttp2)
        {
            await next(connection).ConfigureAwait(false);
            return;
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(http2Endpoint(), connection.ConnectionClosed).ConfigureAwait(false);
        var upstream = new NetworkStream(socket, ownsSocket: false);
        await using (upstream.ConfigureAwait(false))
        {
            var toServer = RelayAsync(() => input.CopyToAsync(upstream, connection.ConnectionClosed), () => socket.Shutdown(SocketShutdown.Send));
            var toClient = RelayAsync(() => upstream.CopyToAsync(connection.Transport.Output, connection.ConnectionClosed), () => connection.Transport.Output.Complete());
            await Task.WhenAll(toServer, toClient).ConfigureAwait(false);
        }
    }

    private static bool StartsLikePreface(System.Buffers.ReadOnlySequence<byte> bytes)
    {
        Span<byte> first = stackalloc byte[Preface.Length];
        bytes.CopyTo(first);
        return first[..(int)bytes.Length].SequenceEqual(Preface.AsSpan(0, (int)bytes.Length));
    }

    /// <summary>Copies one direction, then closes it, whatever ended the copy (the peer closing, or a reset).</summary>
    private static async Task RelayAsync(Func<Task> copy, Action close)
    {
        try
        {
            await copy().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The other side went away; closing below ends the relay.
        }

        try
        {
            close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Already closed.
        }
    }
}
