// The twin's web API (served by Paywatch.Web on the twin's port, under /api/). Every response is JSON; an error is
// an HTTP status >= 400 with a body { "error": "what went wrong" }, raised here as ApiError. Times are ISO 8601
// strings (UTC) unless named *Ms (milliseconds since the epoch). The server's clock is the authority: the UI asks
// for ranges relative to Status.now, never to the browser's clock (a test may run the twin on a simulated clock).
// No response carries a card number: the processor masks it before anything is stored.

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'The twin is not answering: is `paywatch up` still running?');
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text.length > 0 ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(response.status, `The twin answered ${response.status} with a body that is not JSON.`);
  }
  if (!response.ok) {
    const message = (body as { error?: string } | null)?.error ?? `The twin answered ${response.status}.`;
    throw new ApiError(response.status, message);
  }
  return body as T;
}

const post = <T>(path: string, body: unknown) =>
  call<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

// ---- GET /api/status -------------------------------------------------------------------------------------------

export interface Status {
  now: string;
  environment: string;
  region: string;
  accountId: string;
  names: { stream: string; function: string; eventBus: string; topic: string; deadLetterQueue: string; logGroup: string };
  counts: { recordsProcessed: number; eventsRouted: number; notifications: number; deadLetterMessages: number; spans: number };
}

export const getStatus = () => call<Status>('/api/status');

// ---- GET /api/cost: what the twin's run would cost on AWS, priced as `paywatch cost` prices (docs/cost.md) ---------

export interface Cost {
  region: string;
  pricesVersion: string;
  elapsedSeconds: number;
  usdSoFar: number;
  usdPerHour: number;
  usdPerMonth: number;
  run: {
    records: number; putPayloadUnits: number; invocations: number; lambdaGbSeconds: number; eventEntries: number;
    notifications: number; customMetrics: number; logBytes: number; traces: number;
  };
  lines: { service: string; item: string; unit: string; quantityPerMonth: number; usdPerMonth: number }[];
}

export const getCost = () => call<Cost>('/api/cost');

// ---- GET /api/dashboard: the dashboard body of config/dashboard, template values filled as Terraform fills them --

/** A CloudWatch dashboard body (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html). */
export interface DashboardBody {
  start?: string;
  end?: string;
  periodOverride?: 'auto' | 'inherit';
  widgets: Widget[];
}

export interface Widget {
  type: 'metric' | 'alarm' | 'log' | 'text' | string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  properties: Record<string, unknown>;
}

export interface Dashboard {
  name: string;
  body: DashboardBody;
  /** When the twin started (ISO time on its clock): a young twin's dashboard opens on a range that shows its run. */
  startedAt?: string;
}

export const getDashboard = () => call<Dashboard>('/api/dashboard');

// ---- POST /api/widgets/metric: a metric widget's data, as CloudWatch draws it ------------------------------------

export interface MetricWidgetRequest {
  /** The widget's properties as they are in the body (metrics array with its shorthand, stat, period, view, ...). */
  properties: Record<string, unknown>;
  start: string;
  end: string;
}

export interface MetricWidgetSeries {
  /** The query id (given, or m1, m2, ... as CloudWatch names them). */
  id: string;
  label: string;
  /** The colour the widget's options give ("#1f77b4"), else null (the UI picks from its palette). */
  color: string | null;
  yAxis: 'left' | 'right';
  /** One per timestamp of the response; null where the period has no datapoint. */
  values: (number | null)[];
}

export interface MetricWidgetData {
  /** The period the server used, in seconds (the widget's, or a larger one so that the range has at most 1,440 points). */
  period: number;
  /** Period starts, ms since the epoch, ascending, shared by every series. */
  timestampsMs: number[];
  /** Only the visible series, in the order of the metrics array. */
  series: MetricWidgetSeries[];
  /** Per-query problems (a bad expression, an unknown id) that did not stop the others. */
  messages: string[];
}

export const getMetricWidget = (request: MetricWidgetRequest) => post<MetricWidgetData>('/api/widgets/metric', request);

// ---- POST /api/widgets/log: a log widget's Logs Insights query ---------------------------------------------------

export interface LogWidgetRequest {
  /** The widget's properties: query ("SOURCE '/aws/lambda/x' | fields ..."), view ("table" | "timeSeries" | "bar" | "pie"), ... */
  properties: Record<string, unknown>;
  start: string;
  end: string;
}

export interface LogQueryResult {
  status: 'Complete';
  /** Field names in the order of the query's output. */
  fields: string[];
  /** One row per result; a missing field is null. */
  rows: (string | null)[][];
  statistics: { recordsScanned: number };
}

export const getLogWidget = (request: LogWidgetRequest) => post<LogQueryResult>('/api/widgets/log', request);

// ---- GET /api/alarms --------------------------------------------------------------------------------------------

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmHistoryItem {
  timestamp: string;
  oldState: AlarmStateValue;
  newState: AlarmStateValue;
  reason: string;
}

/** A composite alarm's rule, parsed: AND/OR/NOT over ALARM(x)/OK(x)/INSUFFICIENT_DATA(x) and TRUE/FALSE. */
export interface RuleTreeNode {
  op: 'AND' | 'OR' | 'NOT' | 'STATE' | 'TRUE' | 'FALSE';
  /** Whether this node is true now, given the child alarms' current states. */
  value: boolean;
  children?: RuleTreeNode[];
  /** For STATE: the function (ALARM, OK, INSUFFICIENT_DATA), the alarm it names and that alarm's state now. */
  function?: AlarmStateValue;
  alarmName?: string;
  alarmState?: AlarmStateValue;
}

export interface Alarm {
  name: string;
  arn: string;
  type: 'MetricAlarm' | 'CompositeAlarm';
  description: string | null;
  state: AlarmStateValue;
  reason: string;
  stateUpdated: string;
  /** For a metric alarm: what it watches, in words ("Sum of AWS/Lambda Errors (FunctionName=...) over 60 s > 5 for 3 of 3 periods"). */
  condition: string | null;
  /** For a composite alarm: the rule text and its tree. */
  rule: string | null;
  ruleTree: RuleTreeNode | null;
  /** State changes, newest first. */
  history: AlarmHistoryItem[];
}

export const getAlarms = () => call<{ alarms: Alarm[] }>('/api/alarms');

// ---- Traces: GET /api/traces/map, GET /api/traces, GET /api/traces/{traceId} ------------------------------------

export interface ServiceNode {
  id: 'kinesis' | 'processor' | 'eventbridge' | 'sns' | 'sqs';
  name: string;
  /** X-Ray's origin type: AWS::Kinesis::Stream, AWS::Lambda::Function, AWS::Events::EventBus, AWS::SNS::Topic, AWS::SQS::Queue. */
  type: string;
  requests: number;
  errors: number;
  /** Null where the node has no latency of its own (the stream, the queue). */
  latencyAvgMs: number | null;
  latencyP99Ms: number | null;
}

export interface ServiceEdge {
  from: ServiceNode['id'];
  to: ServiceNode['id'];
  requests: number;
  errors: number;
  /** What the edge counts, drawn after its numbers ("tx"; requests when absent). */
  unit?: string;
  /** What its errors are, where they differ from the nodes' (shown on hover and after the count). */
  errorsMeaning?: string;
}

export interface ServiceMap {
  start: string;
  end: string;
  nodes: ServiceNode[];
  edges: ServiceEdge[];
}

export const getServiceMap = (start: string, end: string) =>
  call<ServiceMap>(`/api/traces/map?start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`);

export interface TraceSummary {
  traceId: string;
  /** The transaction's own span: the root of its waterfall. */
  spanId: string;
  transactionId: string | null;
  start: string;
  durationMs: number;
  status: 'ok' | 'error';
  /** The transaction's type (payment, refund, ...) and outcome status (approved, failed, ...), as the processor tagged them. */
  transactionType: string | null;
  transactionStatus: string | null;
  rules: string[];
  errorCode: string | null;
}

export interface TraceFilter {
  /** Transactions that started in [start, end) only (ISO 8601); all the trace store keeps when omitted. */
  start?: string;
  end?: string;
  status?: 'ok' | 'error';
  type?: string;
  rule?: string;
  limit?: number;
}

export const getTraces = (filter: TraceFilter = {}) => {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value !== undefined && value !== '') query.set(key, String(value));
  }
  return call<{ traces: TraceSummary[]; types: string[]; rules: string[] }>(`/api/traces?${query}`);
};

export interface TraceSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  startMs: number;
  durationMs: number;
  error: boolean;
  tags: Record<string, string>;
}

export interface TraceDetail {
  traceId: string;
  /** The transaction's spans with the batch (invocation) span above them, ordered by start. */
  spans: TraceSpan[];
}

export const getTrace = (traceId: string, spanId: string) =>
  call<TraceDetail>(`/api/traces/${encodeURIComponent(traceId)}?spanId=${encodeURIComponent(spanId)}`);

// ---- GET /api/events --------------------------------------------------------------------------------------------

export interface RuleSummary {
  name: string;
  arn: string;
  /** The rule's event pattern, as in config/rules. */
  eventPattern: unknown;
  matchedEvents: number;
  invocations: number;
  failedInvocations: number;
}

export interface RoutedEventItem {
  rule: string;
  eventId: string;
  time: string;
  detailType: string;
  /** The event's detail (masked card, never the PAN). */
  detail: unknown;
  /** What the rule's input transformer sent to the topic. */
  targetInput: string;
  /** The topic's notification carrying it, when still in the topic's recent list. */
  notification: { messageId: string; subject: string | null; timestamp: string } | null;
}

export const getEvents = (rule?: string, limit = 50) =>
  call<{ rules: RuleSummary[]; events: RoutedEventItem[] }>(
    `/api/events?limit=${limit}${rule ? `&rule=${encodeURIComponent(rule)}` : ''}`,
  );

// ---- GET /api/dlq, POST /api/dlq/redrive ------------------------------------------------------------------------

export interface KinesisBatchInfo {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  approximateArrivalOfFirstRecord: string;
  approximateArrivalOfLastRecord: string;
  batchSize: number;
  streamArn: string;
}

export interface DeadLetterMessage {
  messageId: string;
  sent: string;
  receiveCount: number;
  /** Lambda's on-failure record: requestContext.condition (RetryAttemptsExhausted, RecordAgeExceeded, ...). */
  condition: string | null;
  functionArn: string | null;
  batch: KinesisBatchInfo | null;
  /** The message body as sent (the whole invocation record). */
  body: unknown;
}

export interface DeadLetterQueueView {
  queue: { name: string; arn: string; visible: number; inFlight: number };
  messages: DeadLetterMessage[];
}

export const getDeadLetterQueue = () => call<DeadLetterQueueView>('/api/dlq');

export interface RedriveResult {
  /** Messages whose records were put back on the stream (then deleted from the queue). */
  redriven: { messageId: string; records: number }[];
  /** Messages kept, with why (records past the stream's retention, message in flight, ...). */
  failed: { messageId: string; reason: string }[];
}

/** Puts the records of each message's batch back on the stream, in order; all visible messages when ids is omitted. */
export const redrive = (messageIds?: string[]) => post<RedriveResult>('/api/dlq/redrive', { messageIds: messageIds ?? null });
