using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Paywatch.Cli.Tests;

/// <summary><c>paywatch up</c> in a child process, stopped with SIGKILL or SIGTERM.</summary>
internal sealed class TwinProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private readonly TaskCompletionSource<Uri> _endpoint = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TwinProcess(ProcessStartInfo start)
    {
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            // The header's "endpoint   http://127.0.0.1:PORT" line: the port is chosen at start (--port 0).
            if (e.Data?.Trim() is { } line && line.StartsWith("endpoint", StringComparison.Ordinal))
            {
                _endpoint.TrySetResult(new Uri(line["endpoint".Length..].Trim() + "/"));
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
    }

    public Uri Endpoint => _endpoint.Task.Result;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static async Task<TwinProcess> StartAsync(string data, string config, Uri webhook)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "paywatch.dll"), "up", "--data", data, "--config", config, "--port", "0", "--notify-webhook", webhook.ToString() })
        {
            start.ArgumentList.Add(argument);
        }

        var twin = new TwinProcess(start);
        twin._process.Start();
        twin._process.BeginOutputReadLine();
        twin._process.BeginErrorReadLine();
        await twin._endpoint.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return twin;
    }

    public async Task<Dictionary<string, int>> PossibleDuplicatesAsync()
    {
        using var http = new HttpClient();
        using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri(Endpoint, "api/status")));
        return status.RootElement.GetProperty("counts").GetProperty("notificationPossibleDuplicates").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
    }

    /// <summary>SIGTERM, as <c>docker stop</c> or systemd sends: the twin's graceful stop runs.</summary>
    /// <returns>The exit code.</returns>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
