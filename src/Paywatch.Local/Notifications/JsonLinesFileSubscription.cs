using System.Text;

namespace Paywatch.Local.Notifications;

/// <summary>
/// Appends each notification's JSON document (the shape SNS posts to HTTP subscribers) as one line of a file in
/// the data folder, so scripts and tests read what was notified with <c>jq</c> or a line reader.
/// </summary>
public sealed class JsonLinesFileSubscription : ITopicSubscription, IDisposable
{
    private readonly FileStream _file;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public JsonLinesFileSubscription(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        Path = path;
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
    }

    public string Path { get; }

    public string Protocol => "file";

    public string Endpoint => Path;

    public async Task DeliverAsync(TopicNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var line = Encoding.UTF8.GetBytes(notification.ToJson() + "\n");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _file.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _file.Dispose();
        _gate.Dispose();
    }
}
