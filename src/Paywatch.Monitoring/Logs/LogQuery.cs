namespace Paywatch.Monitoring.Logs;

/// <summary>
/// A parsed Logs Insights query: its pipeline of commands, the fields it reads from events, and the columns of
/// its result. Immutable and reusable; each <see cref="Start"/> makes an independent run.
/// </summary>
public sealed class LogQuery
{
    /// <summary>The rows a query returns at most when it has no <c>limit</c> (AWS page "limit": 10,000 by default).</summary>
    public const int DefaultLimit = 10_000;

    private readonly FieldTable _fields;
    private readonly List<QueryCommand> _commands;
    private readonly List<FieldName> _columns;
    private readonly List<FieldName> _eventFields;
    private readonly bool _readsMessage;

    private LogQuery(string text, FieldTable fields, List<QueryCommand> commands)
    {
        Text = text;
        _fields = fields;
        _commands = commands;
        _columns = ResultColumns(commands);
        (_eventFields, _readsMessage) = EventFields(commands, _columns);
    }

    public string Text { get; }

    /// <summary>The result's column names, in order.</summary>
    public IReadOnlyList<string> Columns => [.. _columns.Select(c => c.Name)];

    /// <summary>The fields the query reads from each event (besides the system fields), in slot order.</summary>
    public IReadOnlyList<string> EventFieldNames => [.. _eventFields.Select(f => f.Name)];

    internal IReadOnlyList<QueryCommand> Commands => _commands;

    /// <exception cref="InvalidQueryException">The query does not parse; the message names the token and its position.</exception>
    public static LogQuery Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var fields = new FieldTable();
        return new LogQuery(query, fields, QueryParser.Parse(query, fields));
    }

    /// <summary>Starts a run: feed it lines with <see cref="LogQueryRun.Add(ReadOnlySpan{byte}, DateTimeOffset?)"/>, then call <see cref="LogQueryRun.Finish"/>.</summary>
    public LogQueryRun Start(LogQueryOptions? options = null) =>
        new(new LogEventReader(_eventFields, _readsMessage), BuildPipeline(), _fields.Count, _columns, options ?? new LogQueryOptions());

    /// <summary>Runs the query over lines of text.</summary>
    public QueryResult Run(IEnumerable<string> lines, LogQueryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var run = Start(options);
        foreach (var line in lines)
        {
            run.Add(line);
        }

        return run.Finish();
    }

    private (PipelineStage First, CollectStage Last) BuildPipeline()
    {
        var stages = new List<PipelineStage>();
        var hasStats = _commands.Any(c => c is StatsCommand);
        var hasSort = _commands.Any(c => c is SortCommand);

        // Without stats or sort, newest events come first: the order of the Logs Insights console's own default
        // query ("sort @timestamp desc"), applied before any limit so that "limit 20" means the latest 20.
        var implicitSort = !hasStats && !hasSort;
        foreach (var command in _commands)
        {
            if (implicitSort && command is LimitCommand or DedupCommand)
            {
                stages.Add(NewestFirst());
                implicitSort = false;
            }

            stages.Add(command switch
            {
                FilterCommand filter => new FilterStage(filter.Condition),
                FieldsCommand fields => new FieldsStage(fields.Fields),
                ParseCommand parse => new ParseStage(parse),
                StatsCommand stats => new StatsStage(stats, _fields.Count),
                SortCommand sort => new SortStage(sort.Keys),
                LimitCommand limit => new LimitStage(limit.Count),
                DedupCommand dedup => new DedupStage(dedup.Fields),
                _ => new PassStage(),
            });
        }

        if (implicitSort)
        {
            stages.Add(NewestFirst());
        }

        stages.Add(new LimitStage(DefaultLimit));
        var collect = new CollectStage();
        stages.Add(collect);
        for (var i = 0; i < stages.Count - 1; i++)
        {
            stages[i].Next = stages[i + 1];
        }

        return (stages[0], collect);
    }

    private static SortStage NewestFirst() =>
        new([new SortKey(new FieldName(FieldTable.Timestamp, FieldTable.TimestampSlot), Descending: true)]);

    // fields adds columns; stats replaces them with its groups and outputs; display names them exactly.
    // A query with none of these shows @timestamp and @message.
    private static List<FieldName> ResultColumns(List<QueryCommand> commands)
    {
        List<FieldName>? columns = null;
        foreach (var command in commands)
        {
            switch (command)
            {
                case FieldsCommand fields:
                    columns ??= [];
                    foreach (var field in fields.Fields)
                    {
                        if (!columns.Exists(c => c.Slot == field.Slot))
                        {
                            columns.Add(new FieldName(field.Name, field.Slot));
                        }
                    }

                    break;
                case StatsCommand stats:
                    columns = [.. stats.Groups.Concat(stats.Outputs).Select(n => new FieldName(n.Name, n.Slot)).DistinctBy(f => f.Slot)];
                    break;
                case DisplayCommand display:
                    columns = [.. display.Fields.DistinctBy(f => f.Slot)];
                    break;
            }
        }

        return columns ?? [new FieldName(FieldTable.Timestamp, FieldTable.TimestampSlot), new FieldName(FieldTable.Message, FieldTable.MessageSlot)];
    }

    // The fields read from events: those used before anything in the query defines them, up to the first stats
    // (after it, rows are groups, not events). Reading only these is what makes a query over a big file fast.
    private static (List<FieldName> Fields, bool ReadsMessage) EventFields(List<QueryCommand> commands, List<FieldName> columns)
    {
        var defined = new HashSet<int>();
        var read = new SortedDictionary<int, string>();
        var afterStats = false;

        void Use(IEnumerable<Expression> expressions)
        {
            foreach (var field in expressions.SelectMany(e => e.DescendantsAndSelf()).OfType<FieldExpression>())
            {
                UseField(new FieldName(field.Name, field.Slot));
            }
        }

        void UseField(FieldName field)
        {
            if (!afterStats && !defined.Contains(field.Slot))
            {
                read.TryAdd(field.Slot, field.Name);
            }
        }

        foreach (var command in commands)
        {
            switch (command)
            {
                case FilterCommand filter:
                    Use([filter.Condition]);
                    break;
                case FieldsCommand fields:
                    foreach (var field in fields.Fields)
                    {
                        Use([field.Expression]);
                        defined.Add(field.Slot);
                    }

                    break;
                case ParseCommand parse:
                    Use([parse.Source]);
                    defined.UnionWith(parse.Targets.Select(t => t.Field.Slot));
                    break;
                case StatsCommand stats:
                    Use(stats.Groups.Select(g => g.Expression).Concat(stats.Outputs.Select(o => o.Expression)));
                    afterStats = true;
                    break;
                case SortCommand sort:
                    foreach (var key in sort.Keys)
                    {
                        UseField(key.Field);
                    }

                    break;
                case DedupCommand dedup:
                    dedup.Fields.ToList().ForEach(UseField);
                    break;
                case DisplayCommand display:
                    display.Fields.ToList().ForEach(UseField);
                    break;
            }
        }

        columns.ForEach(UseField);
        var readsMessage = read.ContainsKey(FieldTable.MessageSlot);
        var eventFields = read.Where(r => r.Key > FieldTable.LogStreamSlot).Select(r => new FieldName(r.Value, r.Key)).ToList();
        return (eventFields, readsMessage);
    }

    private sealed class PassStage : PipelineStage
    {
        public override void Push(LogValue[] row) => Next!.Push(row);
    }
}
