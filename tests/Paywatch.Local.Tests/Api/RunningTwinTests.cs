namespace Paywatch.Local.Tests.Api;

/// <summary>Tests against a whole twin on 127.0.0.1, started fresh for each test in a folder of its own.</summary>
public abstract class RunningTwinTests : IAsyncLifetime, IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    protected HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    protected LocalTwin Twin { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Twin = await LocalTwin.StartAsync(new LocalTwinSettings { DataDirectory = _folder.Path, Port = 0 }, RepositoryRoot.Config, [], TimeProvider.System);

    public async Task DisposeAsync() => await Twin.DisposeAsync();

    /// <summary>After <see cref="DisposeAsync"/>: the twin has stopped with its folder.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Http.Dispose();
            _folder.Dispose();
        }
    }
}
