using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Paywatch.Cli.Tests;

/// <summary>
/// An HTTP endpoint on 127.0.0.1 taking 20 ms a POST. After a number of answers it hangs: it records each request
/// it receives and never answers, until <see cref="AnswerAll"/>.
/// </summary>
internal sealed class SlowWebhook : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly int _answersBeforeHang;
    private readonly TaskCompletionSource _answerAll = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _answered;
    private int _held;

    public SlowWebhook(int answersBeforeHang)
    {
        _answersBeforeHang = answersBeforeHang;
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public Uri Url { get; }

    public ConcurrentQueue<(string MessageId, string Message)> Received { get; } = new();

    public int Held => Volatile.Read(ref _held);

    /// <summary>The requests held unanswered when the twin was killed.</summary>
    public int HeldAtKill { get; private set; }

    public void AnswerAll()
    {
        HeldAtKill = Held;
        _answerAll.TrySetResult();
    }

    /// <summary>Waits until no request has arrived for half a second: every delivery under way has reached it.</summary>
    public async Task WaitUntilQuietAsync()
    {
        var count = -1;
        while (count != Received.Count)
        {
            count = Received.Count;
            await Task.Delay(500);
        }
    }

    public void Dispose() => _listener.Close();

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            using var document = JsonDocument.Parse(await reader.ReadToEndAsync());
            var root = document.RootElement;
            if (!_answerAll.Task.IsCompleted && Interlocked.Increment(ref _answered) > _answersBeforeHang)
            {
                Interlocked.Increment(ref _held);
                Received.Enqueue((root.GetProperty("MessageId").GetString()!, root.GetProperty("Message").GetString()!));
                await _answerAll.Task;
                context.Response.Abort();
                return;
            }

            await Task.Delay(20);
            Received.Enqueue((root.GetProperty("MessageId").GetString()!, root.GetProperty("Message").GetString()!));
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The killed twin's connection.
        }
    }
}
