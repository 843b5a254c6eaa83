using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paywatch.Aws.XRay;
using Paywatch.Core.Telemetry;
using Paywatch.Core.Transactions;
using Paywatch.Local.Api.Protocols;
using Paywatch.Local.Telemetry;

namespace Paywatch.Local.Api;

/// <summary>
/// The X-Ray API (restJson1, signing name <c>xray</c>) over the twin's <see cref="TraceStore"/>: GetTraceSummaries,
/// BatchGetTraces and GetServiceGraph (https://docs.aws.amazon.com/xray/latest/api/API_Operations.html). Traces are
/// what the X-Ray exporter would have sent: the root span is the function's segment, its children subsegments, and
/// tags are named as <see cref="XRayExporter.TagKey"/> names them. String values pass through <see cref="PanMasker"/>.
/// </summary>
public sealed class XRayService : AwsService
{
    /// <summary>Summaries per page of GetTraceSummaries.</summary>
    private const int PageSize = 100;

    /// <summary>"Array Members: Minimum number of 1 item. Maximum number of 5 items." (https://docs.aws.amazon.com/xray/latest/api/API_BatchGetTraces.html)</summary>
    private const int MaxTraceIds = 5;

    private const string LambdaType = "AWS::Lambda::Function";
    private const string EventsType = "AWS::Events";
    private const string EventsName = "EventBridge";

    // Tags the processor sets as numbers or flags; the store keeps every value as text.
    private static readonly HashSet<string> NumberKeys = new(StringComparer.Ordinal) { "records", "item_failures", "failed", "routed", "entries", "risk_score" };
    private static readonly HashSet<string> BooleanKeys = new(StringComparer.Ordinal) { "published" };

    private readonly TraceStore _traces;
    private readonly Names _names;

    /// <summary>
    /// X-Ray answers bad input with InvalidRequestException ("Exceeding maximum query size: 5",
    /// https://github.com/boto/boto3/issues/3924); the model's constraints in AWS's "1 validation error detected" words.
    /// </summary>
    public XRayService(TraceStore traces, LocalTwinSettings settings)
        : base("XRay", "InvalidRequestException", typeErrorType: "InvalidRequestException")
    {
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentNullException.ThrowIfNull(settings);
        _traces = traces;
        _names = new Names(settings.FunctionName, settings.EventBusName, LocalTwinSettings.AccountId);
    }

    private protected override ValueTask<JsonObject> HandleAsync(string operation, JsonElement request, CancellationToken cancellationToken) => ValueTask.FromResult(operation switch
    {
        "GetTraceSummaries" => GetTraceSummaries(_traces, _names, request),
        "BatchGetTraces" => BatchGetTraces(_traces, _names, request),
        _ => GetServiceGraph(_traces, _names, request),
    });

    /// <summary>https://docs.aws.amazon.com/xray/latest/api/API_GetTraceSummaries.html</summary>
    private static JsonObject GetTraceSummaries(TraceStore store, Names names, JsonElement request)
    {
        foreach (var unsupported in (string[])["FilterExpression", "Sampling", "SamplingStrategy"])
        {
            if (request.TryGetProperty(unsupported, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.False))
            {
                throw Invalid($"{unsupported} is not supported by the local twin: it returns every trace in the time range.");
            }
        }

        var (start, end) = TimeRange(request);
        var rangeType = AwsJsonBody.String(request, "TimeRangeType") ?? "Event";
        // TraceId: the trace's start time; Event and Service: the time it was last updated (its last span's end).
        var matching = Traces(store.Spans())
            .Select(t => (Trace: t, Time: rangeType == "TraceId" ? t.Start : t.End))
            .Where(t => t.Time >= start && t.Time <= end)
            // "The first page contains the most recent results, closest to the end of the time frame."
            .OrderByDescending(t => t.Time)
            .ToList();
        var (page, nextToken) = PageToken.Page(
            matching, PageSize, "GetTraceSummaries", AwsJsonBody.String(request, "NextToken"), () => Invalid("The NextToken is not one this operation issued."));

        return new()
        {
            ["TraceSummaries"] = new JsonArray([.. page.Select(t => Summary(t.Trace, names))]),
            // "The start time of this page of results": the oldest trace on it, the page being newest first.
            ["ApproximateTime"] = page.Count == 0 ? start : page[^1].Time,
            ["TracesProcessedCount"] = matching.Count,
            ["NextToken"] = nextToken,
        };
    }

    private static JsonObject Summary(Trace trace, Names names) => new()
    {
        ["Id"] = XRayId(trace.Id),
        ["StartTime"] = trace.Start,
        // Duration: the whole trace; ResponseTime: the root segment's own time
        // (https://docs.aws.amazon.com/xray/latest/api/API_TraceSummary.html).
        ["Duration"] = (trace.End - trace.Start).TotalSeconds,
        ["ResponseTime"] = trace.Root.Duration.TotalSeconds,
        ["HasFault"] = trace.Spans.Any(s => s.IsError),
        ["HasError"] = trace.Spans.Any(IsClientError),
        ["HasThrottle"] = false,
        ["IsPartial"] = trace.IsPartial,
        // Annotations: key → [ValueWithServiceIds] (https://docs.aws.amazon.com/xray/latest/api/API_ValueWithServiceIds.html).
        ["Annotations"] = new JsonObject(ExporterTags(trace.Root, annotations: true).Select(tag => KeyValuePair.Create(tag.Key, (JsonNode?)new JsonArray(new JsonObject
        {
            ["AnnotationValue"] = AnnotationValue(Typed(tag.Key, tag.Value)),
            ["ServiceIds"] = new JsonArray(ServiceId(names.Function, LambdaType, names.AccountId)),
        })))),
        ["ServiceIds"] = new JsonArray([
            ServiceId(names.Function, LambdaType, names.AccountId),
            .. trace.Spans.Any(s => s.Name == ProcessorTelemetry.Spans.Publish) ? [ServiceId(EventsName, EventsType, names.AccountId)] : Array.Empty<JsonNode>(),
        ]),
        ["EntryPoint"] = ServiceId(names.Function, LambdaType, names.AccountId),
    };

    /// <summary>A tag's value typed as the processor set it (the store keeps text): a number, a flag or a string.</summary>
    private static JsonValue Typed(string key, string value) =>
        NumberKeys.Contains(key) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? JsonValue.Create(number)
            : BooleanKeys.Contains(key) && bool.TryParse(value, out var flag) ? JsonValue.Create(flag) : JsonValue.Create(value)!;

    /// <summary>X-Ray's AnnotationValue: one of NumberValue, BooleanValue or StringValue.</summary>
    private static JsonObject AnnotationValue(JsonValue typed) => new()
    {
        [typed.GetValueKind() switch { JsonValueKind.Number => "NumberValue", JsonValueKind.String => "StringValue", _ => "BooleanValue" }] = typed,
    };

    private static JsonObject ServiceId(string name, string type, string accountId) =>
        new() { ["Name"] = name, ["Names"] = new JsonArray(name), ["AccountId"] = accountId, ["Type"] = type };

    /// <summary>https://docs.aws.amazon.com/xray/latest/api/API_BatchGetTraces.html</summary>
    private static JsonObject BatchGetTraces(TraceStore store, Names names, JsonElement request)
    {
        var ids = request.GetProperty("TraceIds");
        // X-Ray's own words for both (https://github.com/boto/boto3/issues/3924); the model sets no bounds on the list.
        if (ids.GetArrayLength() is < 1 or > MaxTraceIds)
        {
            throw Invalid(ids.GetArrayLength() == 0 ? "TraceIds must hold at least one trace id." : $"Exceeding maximum query size: {MaxTraceIds}");
        }

        if (AwsJsonBody.String(request, "NextToken") is not null)
        {
            // Every trace asked for is answered in one page: "This pagination token is currently not implemented for BatchGetTraces" (API_BatchGetTraces.html).
            throw Invalid("NextToken is currently not supported");
        }

        var found = new List<Trace>();
        var unprocessed = new List<string>();
        foreach (var item in ids.EnumerateArray())
        {
            var id = item.GetString()!;
            var trace = TraceIds.TryParseXRay(id, out var traceId) ? Traces(store.Spans(traceId: traceId.ToHexString())).FirstOrDefault() : null;
            if (trace is null)
            {
                unprocessed.Add(id);
            }
            else if (found.All(t => t.Id != trace.Id))
            {
                found.Add(trace);
            }
        }

        return new()
        {
            ["Traces"] = new JsonArray([.. found.Select(trace => new JsonObject
            {
                ["Id"] = XRayId(trace.Id),
                ["Duration"] = (trace.End - trace.Start).TotalSeconds,
                ["LimitExceeded"] = false,
                ["Segments"] = new JsonArray([.. trace.Roots.Select(root => new JsonObject { ["Id"] = root.SpanId, ["Document"] = SegmentDocument(trace, root, names) })]),
            })]),
            ["UnprocessedTraceIds"] = new JsonArray([.. unprocessed.Select(id => JsonValue.Create(id))]),
        };
    }

    /// <summary>
    /// A root span as its segment document, its descendants nested as subsegments
    /// (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html), as the X-Ray exporter writes it.
    /// </summary>
    private static string SegmentDocument(Trace trace, SpanRecord root, Names names)
    {
        var children = trace.Spans.Where(s => s.ParentSpanId is not null).ToLookup(s => s.ParentSpanId!, StringComparer.Ordinal);
        var ownSegment = root.ParentSpanId is null;
        var segment = new JsonObject { ["name"] = ownSegment ? names.Function : root.Name, ["id"] = root.SpanId, ["trace_id"] = XRayId(trace.Id) };
        if (ownSegment)
        {
            segment["origin"] = LambdaType;
        }
        else
        {
            segment["type"] = "subsegment";
            segment["parent_id"] = root.ParentSpanId;
        }

        TimesAndFlags(segment, root);
        segment["annotations"] = Tags(ExporterTags(root, annotations: true));
        segment["subsegments"] = Subsegments(root, children, depth: 1);
        return Encoding.UTF8.GetString(JsonCodec.Write(segment));
    }

    private static JsonArray? Subsegments(SpanRecord parent, ILookup<string, SpanRecord> children, int depth)
    {
        var mine = children[parent.SpanId].OrderBy(s => s.Start).ToList();
        // The processor nests four deep; the bound only guards against a cycle of ids.
        return mine.Count == 0 || depth > RequestLimits.MaxDepth ? null : new JsonArray([.. mine.Select(span =>
        {
            var subsegment = new JsonObject { ["name"] = span.Name, ["id"] = span.SpanId };
            if (span.Name == ProcessorTelemetry.Spans.Publish)
            {
                subsegment["namespace"] = "aws";
                subsegment["aws"] = new JsonObject { ["operation"] = "PutEvents" };
            }

            TimesAndFlags(subsegment, span);
            var tags = Tags(ExporterTags(span, annotations: false));
            subsegment["metadata"] = tags.Count == 0 ? null : new JsonObject { ["paywatch"] = tags };
            subsegment["subsegments"] = Subsegments(span, children, depth + 1);
            return subsegment;
        })]);
    }

    private static void TimesAndFlags(JsonObject segment, SpanRecord span)
    {
        segment["start_time"] = Seconds(span.Start);
        segment["end_time"] = Seconds(span.Start + span.Duration);
        segment["error"] = IsClientError(span) ? true : null;
        segment["fault"] = span.IsError ? true : null;
    }

    private static JsonObject Tags(IEnumerable<(string Key, string Value)> tags)
    {
        var typed = new JsonObject();
        foreach (var (key, value) in tags)
        {
            typed[key] = Typed(key, value);
        }

        return typed;
    }

    /// <summary>https://docs.aws.amazon.com/xray/latest/api/API_GetServiceGraph.html</summary>
    private static JsonObject GetServiceGraph(TraceStore store, Names names, JsonElement request)
    {
        var (start, end) = TimeRange(request);
        if (AwsJsonBody.String(request, "GroupARN") is not null || AwsJsonBody.String(request, "GroupName") is { } group && group != "Default")
        {
            throw Invalid("The local twin has only the Default group.");
        }

        if (AwsJsonBody.String(request, "NextToken") is not null)
        {
            throw Invalid("The NextToken is not one this operation issued.");
        }

        // The function's node: its segments, the root spans (the batch, or a transaction in a trace of its own).
        // The EventBridge node and the edge to it: the PutEvents subsegments, as X-Ray infers a downstream node.
        var spans = store.Spans(from: start, to: end);
        var segments = spans.Where(s => s.ParentSpanId is null).ToList();
        var publishes = spans.Where(s => s.Name == ProcessorTelemetry.Spans.Publish).ToList();

        JsonObject? function = segments.Count == 0 ? null : Node(names.Function, LambdaType, names.AccountId, root: true, segments);
        if (function is not null)
        {
            function["ReferenceId"] = 0;
            function["Edges"] = publishes.Count == 0 ? new JsonArray() : new JsonArray(new JsonObject
            {
                ["ReferenceId"] = 1,
                ["StartTime"] = publishes.Min(s => s.Start),
                ["EndTime"] = publishes.Max(s => s.Start + s.Duration),
                ["SummaryStatistics"] = Statistics(publishes),
                ["ResponseTimeHistogram"] = Histogram(publishes),
                ["Aliases"] = new JsonArray(),
            });
        }

        JsonObject? events = publishes.Count == 0 ? null : Node(EventsName, EventsType, names.AccountId, root: false, publishes, names.EventBus);
        if (events is not null)
        {
            events["ReferenceId"] = 1;
            events["Edges"] = new JsonArray();
        }

        return new()
        {
            ["StartTime"] = start,
            ["EndTime"] = end,
            ["Services"] = new JsonArray([.. ((JsonObject?[])[function, events]).OfType<JsonObject>()]),
            ["ContainsOldGroupVersions"] = false,
        };
    }

    private static JsonObject Node(string name, string type, string accountId, bool root, List<SpanRecord> spans, string? alias = null) => new()
    {
        ["Name"] = name,
        ["Names"] = alias is null ? new JsonArray(name) : new JsonArray(name, alias),
        ["Root"] = root,
        ["AccountId"] = accountId,
        ["Type"] = type,
        ["State"] = "active",
        ["StartTime"] = spans.Min(s => s.Start),
        ["EndTime"] = spans.Max(s => s.Start + s.Duration),
        ["SummaryStatistics"] = Statistics(spans),
        ["DurationHistogram"] = Histogram(spans),
        ["ResponseTimeHistogram"] = Histogram(spans),
    };

    /// <summary>
    /// ServiceStatistics / EdgeStatistics: a fault (a span in error) counts as a fault only, an error (a FAILED or
    /// ERROR transaction: the client's data) as "other" error; no throttles (https://docs.aws.amazon.com/xray/latest/api/API_ServiceStatistics.html).
    /// </summary>
    private static JsonObject Statistics(List<SpanRecord> spans)
    {
        var faults = spans.Count(s => s.IsError);
        var errors = spans.Count(s => !s.IsError && IsClientError(s));
        return new()
        {
            ["OkCount"] = spans.Count - faults - errors,
            ["ErrorStatistics"] = new JsonObject { ["ThrottleCount"] = 0, ["OtherCount"] = errors, ["TotalCount"] = errors },
            ["FaultStatistics"] = new JsonObject { ["OtherCount"] = faults, ["TotalCount"] = faults },
            ["TotalCount"] = spans.Count,
            ["TotalResponseTime"] = spans.Sum(s => s.Duration.TotalSeconds),
        };
    }

    /// <summary>Durations in seconds, by the millisecond, with how many spans took each.</summary>
    private static JsonArray Histogram(List<SpanRecord> spans) => new([
        .. spans.GroupBy(s => Math.Round(s.Duration.TotalSeconds, 3)).OrderBy(g => g.Key).Select(bucket => new JsonObject { ["Value"] = bucket.Key, ["Count"] = bucket.Count() }),
    ]);

    /// <summary>The spans grouped by trace; a trace's roots are its spans whose parent is not in it.</summary>
    private static List<Trace> Traces(IReadOnlyList<SpanRecord> spans)
    {
        var traces = new List<Trace>();
        foreach (var group in spans.GroupBy(s => s.TraceId, StringComparer.Ordinal))
        {
            var members = group.ToList();
            var ids = members.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
            var roots = members.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).OrderBy(s => s.Start).ToList();
            if (roots.Count == 0)
            {
                continue;
            }

            // Complete when its one root is the function's own segment; a transaction or batch still running leaves
            // its children without their parent.
            var partial = roots.Count > 1 || roots[0].ParentSpanId is not null;
            traces.Add(new Trace(group.Key, members, roots, partial));
        }

        return traces;
    }

    /// <summary>The span's tags under the exporter's keys; annotations leave out the sequence number, as the exporter does.</summary>
    private static IEnumerable<(string Key, string Value)> ExporterTags(SpanRecord span, bool annotations)
    {
        foreach (var (tag, value) in span.Tags)
        {
            if (XRayExporter.TagKey(tag) is not { } key || (annotations && tag == ProcessorTelemetry.Tags.SequenceNumber))
            {
                continue;
            }

            var text = value.Length > XRayExporter.MaxAnnotationLength ? value[..XRayExporter.MaxAnnotationLength] : value;
            yield return (key, XRayExporter.IsMasked(tag) ? Masked(text) : text);
        }
    }

    private static string Masked(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        return PanMasker.MaskInPlace(utf8) == 0 ? value : Encoding.UTF8.GetString(utf8);
    }

    /// <summary>X-Ray's "error" (a client error): a FAILED or ERROR transaction, as the exporter flags it.</summary>
    private static bool IsClientError(SpanRecord span) =>
        span.Tags.Any(t => t.Key == ProcessorTelemetry.Tags.Status && t.Value is "FAILED" or "ERROR");

    private static string XRayId(string hex) => TraceIds.ToXRay(ActivityTraceId.CreateFromString(hex));

    private static (DateTimeOffset Start, DateTimeOffset End) TimeRange(JsonElement request)
    {
        // The model has required both and checked they are timestamps.
        var start = AwsJsonBody.Time(request, "StartTime") ?? throw Invalid("StartTime must be a timestamp from year 1 to 9999.");
        var end = AwsJsonBody.Time(request, "EndTime") ?? throw Invalid("EndTime must be a timestamp from year 1 to 9999.");
        if (end < start)
        {
            throw Invalid("EndTime must not be before StartTime.");
        }

        return (start, end);
    }

    /// <summary>A segment document's time (a string the model does not type): epoch seconds to the tick, as the X-Ray exporter writes them.</summary>
    private static double Seconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;

    private static AwsServiceException Invalid(string message) => new("InvalidRequestException", message);

    private sealed record Names(string Function, string EventBus, string AccountId);

    private sealed record Trace(string Id, List<SpanRecord> Spans, List<SpanRecord> Roots, bool IsPartial)
    {
        public SpanRecord Root => Roots[0];

        public DateTimeOffset Start => Spans.Min(s => s.Start);

        public DateTimeOffset End => Spans.Max(s => s.Start + s.Duration);
    }
}
