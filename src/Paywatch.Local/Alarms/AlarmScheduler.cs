using Paywatch.Local.Notifications;
using Paywatch.Monitoring;
using Paywatch.Monitoring.Alarms;
using Paywatch.Monitoring.Metrics;

namespace Paywatch.Local.Alarms;

/// <summary>
/// Runs the alarms of <c>config/alarms</c> as CloudWatch does: every minute, on the minute, the metric alarms are
/// evaluated over the shared metric store and the composites re-evaluated; each transition whose actions name the
/// alerts topic is published to it with CloudWatch's alarm-notification subject and message. Keeps each alarm's
/// state, reason and timestamps for DescribeAlarms, and, given a data folder, keeps them and the recent transitions
/// there (<see cref="AlarmStateStore"/>), so a restart finds every alarm as it was. Thread-safe.
/// </summary>
public sealed class AlarmScheduler : IDisposable
{
    private readonly AlarmSet _alarms;
    private readonly MetricStore _store;
    private readonly LocalTopic _topic;
    private readonly TimeProvider _time;
    private const int MaxRecent = 100;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (string Reason, DateTimeOffset Updated)> _compositeStates = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _configured;
    private readonly List<AlarmTransition> _recent = [];
    private readonly AlarmStateStore? _stateStore;
    private ITimer? _timer;

    /// <param name="alarms">The alarms (see <see cref="Load"/>).</param>
    /// <param name="store">The metric store the processor's EMF and the AWS/* metrics feed.</param>
    /// <param name="topic">The alerts topic: transitions whose actions name its ARN are published to it.</param>
    /// <param name="timeProvider">The clock of the evaluations.</param>
    /// <param name="dataDirectory">Where the states and history are kept across restarts; null keeps them in memory only.</param>
    /// <param name="report">Where a repair of the kept states is reported.</param>
    /// <exception cref="Storage.DataFolderException">The kept states are of a newer format version.</exception>
    public AlarmScheduler(
        AlarmSet alarms, MetricStore store, LocalTopic topic, TimeProvider timeProvider, string region = "us-east-1", string accountId = "000000000000",
        string? dataDirectory = null, Storage.DataFolderReport? report = null)
    {
        ArgumentNullException.ThrowIfNull(alarms);
        _alarms = alarms;
        _store = store;
        _topic = topic;
        _time = timeProvider;
        Region = region;
        AccountId = accountId;
        _configured = timeProvider.GetUtcNow();
        foreach (var composite in alarms.CompositeAlarms)
        {
            _compositeStates[composite.AlarmName] = ("Unchecked: Initial alarm creation", _configured);
        }

        if (dataDirectory is not null)
        {
            _stateStore = new AlarmStateStore(Path.Combine(dataDirectory, AlarmStateStore.FileName));
            Restore(_stateStore.Load(report ?? new Storage.DataFolderReport()));
        }
    }

    public string Region { get; }

    public string AccountId { get; }

    /// <summary>The most recent transitions (up to 100), oldest first.</summary>
    public IReadOnlyList<AlarmTransition> RecentTransitions
    {
        get
        {
            lock (_lock)
            {
                return [.. _recent];
            }
        }
    }

    /// <summary>
    /// Loads <c>alarms/*.json</c> (metric) and <c>alarms/*.composite.json</c> (composite) of a config directory,
    /// filled with <paramref name="templateValues"/> as Terraform's templatefile fills them.
    /// </summary>
    /// <exception cref="InvalidAlarmDefinitionException">An alarm is invalid, or a composite names a missing alarm.</exception>
    public static AlarmSet Load(string configDirectory, IReadOnlyDictionary<string, string> templateValues)
    {
        var config = new ConfigDirectory(configDirectory);
        string Read(string file) => ConfigTemplate.Fill(File.ReadAllText(config.PathOf(file)), templateValues);
        return new AlarmSet(
            config.MetricAlarms.Select(f => MetricAlarmDefinition.Parse(Read(f))),
            config.CompositeAlarms.Select(f => CompositeAlarmDefinition.Parse(Read(f))));
    }

    /// <summary>The alarm's ARN: <c>arn:aws:cloudwatch:{region}:{account}:alarm:{name}</c>.</summary>
    public string AlarmArn(string alarmName) => $"arn:aws:cloudwatch:{Region}:{AccountId}:alarm:{alarmName}";

    /// <summary>
    /// Evaluates the alarms once now, as CloudWatch does when it creates them ("the alarm state is immediately set to
    /// INSUFFICIENT_DATA. The alarm is then evaluated and its state is set appropriately. Any actions associated with
    /// the new state are then executed", https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html),
    /// then at every minute boundary of the clock. So a fresh twin's OK actions run as it starts, not in the second a
    /// tumbling window closes and the lanes send their summaries.
    /// </summary>
    public void Start()
    {
        EvaluateNow();
        var now = _time.GetUtcNow();
        var next = TimeSpan.FromSeconds(60 - (now.ToUnixTimeMilliseconds() / 1000.0 % 60));
        _timer = _time.CreateTimer(_ => EvaluateNow(), null, next, TimeSpan.FromMinutes(1));
    }

    /// <summary>Evaluates every alarm now and notifies the transitions; returns them.</summary>
    public IReadOnlyList<AlarmTransition> EvaluateNow()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var transitions = _alarms.Evaluate(_store, now);
            foreach (var transition in transitions)
            {
                if (_compositeStates.ContainsKey(transition.AlarmName))
                {
                    _compositeStates[transition.AlarmName] = (transition.Reason, transition.Timestamp);
                }

                _recent.Add(transition);
                if (_recent.Count > MaxRecent)
                {
                    _recent.RemoveAt(0);
                }

                if (transition.Actions.Contains(_topic.TopicArn, StringComparer.Ordinal))
                {
                    var alarm = DescribeLocked(transition.AlarmName)!;
                    _topic.Publish(
                        AlarmNotification.Message(alarm, transition.OldState, AccountId, Region, DescribeLocked),
                        AlarmNotification.Subject(transition.AlarmName, transition.NewState, Region),
                        transition.AlarmName);
                }
            }

            if (transitions.Count > 0)
            {
                Save();
            }

            return transitions;
        }
    }

    /// <summary>Every alarm's definition and state, metric alarms first, by name.</summary>
    public IReadOnlyList<AlarmSnapshot> DescribeAlarms()
    {
        lock (_lock)
        {
            return
            [
                .. _alarms.MetricAlarms.Select(a => a.Definition.AlarmName)
                    .Concat(_alarms.CompositeAlarms.Select(c => c.AlarmName))
                    .Select(DescribeLocked)
                    .OfType<AlarmSnapshot>()
                    .OrderBy(a => a.CompositeAlarm is not null)
                    .ThenBy(a => a.AlarmName, StringComparer.Ordinal),
            ];
        }
    }

    public void Dispose() => _timer?.Dispose();

    private void Restore(SavedAlarms saved)
    {
        foreach (var alarm in saved.States)
        {
            if (_alarms.Restore(alarm.AlarmName, alarm.State, alarm.Reason, alarm.Updated) && _compositeStates.ContainsKey(alarm.AlarmName))
            {
                _compositeStates[alarm.AlarmName] = (alarm.Reason, alarm.Updated);
            }
        }

        _recent.AddRange(saved.History.TakeLast(MaxRecent));
    }

    private void Save()
    {
        if (_stateStore is null)
        {
            return;
        }

        var alarms = _alarms.MetricAlarms.Select(a => a.Definition.AlarmName)
            .Concat(_alarms.CompositeAlarms.Select(c => c.AlarmName))
            .Select(DescribeLocked)
            .OfType<AlarmSnapshot>();
        try
        {
            _stateStore.Save(alarms, _recent);
        }
        catch (IOException)
        {
            // The evaluation stands and notifications went out; the file keeps the previous states until the next
            // change is written. Throwing here would end the process from the timer's thread.
        }
    }

    private AlarmSnapshot? DescribeLocked(string name)
    {
        if (_alarms.MetricAlarms.FirstOrDefault(a => a.Definition.AlarmName == name) is { } metric)
        {
            return new AlarmSnapshot(name, AlarmArn(name), metric.State, metric.StateReason, metric.StateUpdated ?? _configured, _configured, metric.Definition, null);
        }

        if (_alarms.CompositeAlarms.FirstOrDefault(c => c.AlarmName == name) is { } composite)
        {
            var (reason, updated) = _compositeStates[name];
            return new AlarmSnapshot(name, AlarmArn(name), _alarms.StateOf(name) ?? AlarmState.InsufficientData, reason, updated, _configured, null, composite);
        }

        return null;
    }
}
