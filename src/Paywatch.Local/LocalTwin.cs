using Microsoft.AspNetCore.Builder;
using OpenTelemetry;
using Paywatch.Aws.Runtime;
using Paywatch.Core.Processing;
using Paywatch.Core.Routing;
using Paywatch.Local.Alarms;
using Paywatch.Local.Api;
using Paywatch.Local.Billing;
using Paywatch.Local.Bus;
using Paywatch.Function;
using Paywatch.Local.Dashboards;
using Paywatch.Local.EventSourceMapping;
using Paywatch.Local.Functions;
using Paywatch.Local.Notifications;
using Paywatch.Local.Queues;
using Paywatch.Local.Storage;
using Paywatch.Local.Streams;
using Paywatch.Local.Telemetry;
using Paywatch.Monitoring.Metrics;
using Paywatch.Patterns;

namespace Paywatch.Local;

/// <summary>
/// The whole platform on one machine, wired as Terraform wires it on AWS: the stream feeds the event-source mapping,
/// which invokes the processor, which publishes to the bus, whose rules notify the topic; failed batches go to the
/// DLQ; the processor's EMF, logs and spans feed the metric, log and trace stores; the alarms of config/ evaluate
/// over the metrics and notify the topic. One data folder holds everything durable; one port serves the AWS APIs.
/// </summary>
public sealed class LocalTwin : IAsyncDisposable
{
    /// <summary>
    /// How long metrics are kept, in memory and in the data folder: the dashboard's default range and every alarm's
    /// evaluation range fit in it. CloudWatch keeps 1-second data this long, and coarser data longer
    /// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html);
    /// the twin keeps no coarser tiers (docs/local-twin.md).
    /// </summary>
    private static readonly TimeSpan MetricRetention = TimeSpan.FromHours(3);

    private readonly List<object> _owned;

    private LocalTwin(LocalTwinSettings settings, List<object> owned, TimeProvider time, DataFolderReport report)
    {
        Settings = settings;
        _owned = owned;
        Time = time;
        DataFolderReport = report;
    }

    /// <summary>
    /// What the start found wrong in the data folder and did about it, a plain line per repair (empty for a sound
    /// folder): the command line prints them with its start-up lines.
    /// </summary>
    public DataFolderReport DataFolderReport { get; }

    public LocalTwinSettings Settings { get; }

    /// <summary>The clock every part runs on.</summary>
    public TimeProvider Time { get; }

    /// <summary>Set before <see cref="StartAsync"/> returns (the routes it serves are given the twin first).</summary>
    public AwsApiServer Api { get; private set; } = null!;

    public required DurableStream Stream { get; init; }

    public required KinesisEventSourceMapping Mapping { get; init; }

    public required LocalFunctionHost Function { get; init; }

    public required LocalEventBus Bus { get; init; }

    public required LocalTopic Topic { get; init; }

    public required DurableQueue DeadLetterQueue { get; init; }

    public required AlarmScheduler Alarms { get; init; }

    public required MetricStore Metrics { get; init; }

    public required LogStore Logs { get; init; }

    public required TraceStore Traces { get; init; }

    /// <summary>
    /// Why the metrics or the traces could not be saved to the data folder at their last interval (a full disk, say), or
    /// null: until a save succeeds, a restart loses what they gained since the last one that did.
    /// </summary>
    public string? TelemetrySaveFailure => SaveFailures();

    private Func<string?> SaveFailures { get; init; } = () => null;

    /// <summary>What the run would cost on AWS (docs/cost.md). Set before <see cref="StartAsync"/> returns.</summary>
    public TwinCostMeter Cost { get; private set; } = null!;

    /// <param name="settings">Names, sizes, data folder and port.</param>
    /// <param name="configDirectory">config/: rules, alarms (the dashboard and queries are read by their users).</param>
    /// <param name="subscriptions">Where the topic delivers (console, file, webhook, email).</param>
    /// <param name="time">The clock every part runs on.</param>
    /// <param name="function">Wraps each execution environment's function, e.g. to inject a fault in tests; null runs it as it is.</param>
    /// <param name="routes">More routes on the endpoint's port (the web UI), mapped before the AWS APIs.</param>
    public static async Task<LocalTwin> StartAsync(
        LocalTwinSettings settings,
        string configDirectory,
        IEnumerable<ITopicSubscription> subscriptions,
        TimeProvider time,
        Func<ILambdaFunction, ILambdaFunction>? function = null,
        Action<WebApplication, LocalTwin>? routes = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var data = Path.GetFullPath(settings.DataDirectory);
        var owned = new List<object>();
        var report = new DataFolderReport();
        T Own<T>(T part)
            where T : notnull
        {
            owned.Add(part);
            return part;
        }

        try
        {
            var rules = RuleDefinition.LoadDirectory(Path.Combine(configDirectory, "rules"));
            var metrics = new MetricStore(MetricRetention);
            var traces = new TraceStore();
            // Kept across restarts, and disposed last (created first): their final save follows every part's last metric and span.
            var metricState = Own(new MetricStateStore(Path.Combine(data, "metrics"), metrics, time, report));
            var traceState = Own(new TraceStateStore(Path.Combine(data, "traces"), traces, time, report));
            var logs = Own(new LogStore(
                Path.Combine(data, "logs"),
                settings.LogGroupName,
                time,
                new LogStoreOptions { Retention = TimeSpan.FromDays(settings.LogRetentionDays), MaxBytes = settings.LogMaxBytes }));
            var stream = Own(DurableStream.Open(
                new DurableStreamOptions(settings.StreamName, Path.Combine(data, "streams", settings.StreamName))
                {
                    ShardCount = settings.ShardCount,
                    Retention = TimeSpan.FromHours(settings.RetentionHours),
                    Region = settings.Region,
                    AccountId = LocalTwinSettings.AccountId,
                    EnforceShardWriteLimits = settings.EnforceKinesisLimits,
                    MaxBytesPerShard = settings.StreamMaxBytes / settings.ShardCount,
                },
                time,
                metrics,
                report));
            // Notifications wait in the outbox until each subscription has had them: the bus acknowledges only once they are there.
            var topic = Own(new LocalTopic(
                settings.TopicName, settings.Region, LocalTwinSettings.AccountId, subscriptions, time, outboxDirectory: Path.Combine(data, "outbox"), metrics: metrics, report: report));
            var targets = RuleTargets.Load(new Paywatch.Monitoring.ConfigDirectory(configDirectory), settings.TemplateValues);
            var bus = new LocalEventBus(settings.EventBusName, targets, rules, topic, time, metrics, settings.Region, LocalTwinSettings.AccountId);
            var dlq = Own(new DurableQueue(settings.DeadLetterQueueName, Path.Combine(data, "queues"), time, metrics, region: settings.Region, accountId: LocalTwinSettings.AccountId, report: report));
            // The function Lambda runs, composed by itself; the twin gives it its ports and a tracing pipeline whose
            // exporter is the trace store.
            var mappingOptions = new EventSourceMappingOptions { Region = settings.Region, AccountId = LocalTwinSettings.AccountId };
            // The twin's own lane count, as Terraform computes PAYWATCH_LANE_COUNT: shards × parallelization factor.
            var lanes = settings.ShardCount * mappingOptions.ParallelizationFactor;
            var functionSettings = new FunctionSettings(
                new ProcessorOptions { Environment = settings.Environment, EventBusName = settings.EventBusName, AlertsPerWindow = settings.AlertsPerWindow, LaneCount = lanes, ParallelizationFactor = mappingOptions.ParallelizationFactor },
                PublishMode.Matched,
                settings.FunctionName,
                settings.TraceMode);
            var tracing = Own(FunctionTracing.Start(settings.FunctionName, settings.TraceMode, [new TraceStoreProcessor(traces)]));
            var compiledRules = RuleSet.Compile(rules);
            var metricsWriter = new MetricStoreWriter(metrics, logs);
            ILambdaFunction CreateEnvironment()
            {
                // In process, an environment starts in no time worth reporting; ColdStart still counts each new one.
                var environment = new TransactionFunction(functionSettings, compiledRules, bus, metricsWriter, logs, tracing, time, TimeSpan.Zero);
                return function?.Invoke(environment) ?? environment;
            }

            var host = Own(new LocalFunctionHost(
                new LocalFunctionOptions
                {
                    FunctionName = settings.FunctionName,
                    ReservedConcurrency = settings.ReservedConcurrency ?? LocalTwinSettings.AccountConcurrency,
                    Timeout = TimeSpan.FromSeconds(settings.FunctionTimeoutSeconds),
                    Region = settings.Region,
                    AccountId = LocalTwinSettings.AccountId,
                },
                CreateEnvironment,
                metrics,
                time));
            var mapping = Own(new KinesisEventSourceMapping(
                mappingOptions,
                stream,
                host,
                dlq,
                Path.Combine(data, "checkpoints"),
                time,
                stream,
                report: report));
            stream.KeepUnprocessed(mapping.Checkpoint, report);
            var alarms = Own(new AlarmScheduler(
                AlarmScheduler.Load(configDirectory, settings.TemplateValues), metrics, topic, time, settings.Region, LocalTwinSettings.AccountId,
                dataDirectory: Path.Combine(data, "alarms"), report: report));

            var twin = new LocalTwin(settings, owned, time, report)
            {
                Stream = stream,
                Mapping = mapping,
                Function = host,
                Bus = bus,
                Topic = topic,
                DeadLetterQueue = dlq,
                Alarms = alarms,
                Metrics = metrics,
                Logs = logs,
                Traces = traces,
                SaveFailures = () => metricState.SaveFailure ?? traceState.SaveFailure,
            };
            twin.Cost = new TwinCostMeter(twin, configDirectory);
            AwsApiServer? server = null;
            var cloudWatch = new CloudWatchService(
                alarms, metrics, () => LocalDashboard.Load(configDirectory, settings) is { } dashboard ? [dashboard] : [], time);
            server = Own(await AwsApiServer.StartAsync(
                settings.Port,
                [
                    new KinesisService([stream], time), new EventBridgeService(bus), new SqsService([dlq], () => server!.Url), cloudWatch,
                    new CloudWatchLogsService([logs], configDirectory, settings.Environment, settings.Region, LocalTwinSettings.AccountId),
                    new LambdaService(twin), new XRayService(traces, settings),
                ],
                [cloudWatch, new SnsService([topic])],
                app =>
                {
                    RpcV2CborEndpoint.Map(app, [cloudWatch]);
                    routes?.Invoke(app, twin);
                },
                new AllowedHosts(settings.AllowedHosts)).ConfigureAwait(false));
            twin.Api = server;

            mapping.Start();
            alarms.Start();
            return twin;
        }
        catch
        {
            await DisposeAllAsync(owned).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops in the order that loses nothing: no new requests, the mapping finishes its batches and checkpoints, the
    /// topic delivers what it holds, then the stores close.
    /// </summary>
    public async ValueTask DisposeAsync() => await DisposeAllAsync(_owned).ConfigureAwait(false);

    private static async Task DisposeAllAsync(List<object> owned)
    {
        // Reverse order of creation: the server first, the stores last.
        for (var i = owned.Count - 1; i >= 0; i--)
        {
            switch (owned[i])
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        owned.Clear();
    }
}
