// The spec's seven "Critical Constraints", one by one, on the Terraform as written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfiguration, find, configDir } from './lib/terraform.mjs';

const configuration = await loadConfiguration();
const alarmFiles = readdirSync(path.join(configDir, 'alarms')).sort();
const readJson = (...parts) => JSON.parse(readFileSync(path.join(configDir, ...parts), 'utf8'));

test('#1 composite alarms with multi-metric evaluation: the spec\'s two composites and Delivery Health, each over alarms on different metrics', () => {
  const composite = find(configuration, 'aws_cloudwatch_composite_alarm', 'this');
  assert.equal(composite.body.for_each, '${local.composite_alarms}');
  assert.equal(composite.body.alarm_rule, '${each.value.AlarmRule}');
  const composites = alarmFiles.filter(f => f.endsWith('.composite.json'));
  assert.deepEqual(composites, ['delivery-health.composite.json', 'processing-health.composite.json', 'system-capacity.composite.json']);
  const metricOf = new Map(alarmFiles.filter(f => !f.endsWith('.composite.json')).map(f => {
    const alarm = readJson('alarms', f);
    const metrics = alarm.Metrics ? alarm.Metrics.filter(m => m.MetricStat).map(m => m.MetricStat.Metric.MetricName) : [alarm.MetricName];
    return [alarm.AlarmName, metrics];
  }));
  for (const file of composites) {
    const children = [...readJson('alarms', file).AlarmRule.matchAll(/ALARM\("([^"]+)"\)/g)].map(m => m[1]);
    assert.ok(children.length >= 2, file);
    const metrics = new Set(children.flatMap(child => metricOf.get(child) ?? assert.fail(`${file}: ${child} is not a metric alarm`)));
    assert.ok(metrics.size >= 2, `${file} evaluates only ${[...metrics]}`);
  }
  assert.ok(composite.body.depends_on.includes('${aws_cloudwatch_metric_alarm.this}'));
});

test('#2 the alerts topic is encrypted with the customer-managed key', () => {
  assert.equal(find(configuration, 'aws_sns_topic', 'alerts').body.kms_master_key_id, '${aws_kms_key.main.arn}');
  assert.equal(find(configuration, 'aws_kms_key', 'main').body.enable_key_rotation, true);
});

test('#3 the processor is a container image Lambda from the stack repository', () => {
  const lambda = find(configuration, 'aws_lambda_function', 'processor').body;
  assert.equal(lambda.package_type, 'Image');
  assert.equal(lambda.image_uri, '${local.image_uri}');
  assert.match(configuration.locals.get('image_uri').value, /aws_ecr_repository\.processor\.repository_url/);
  for (const absent of ['runtime', 'handler', 'filename', 's3_bucket']) assert.ok(!(absent in lambda), absent);
});

test('#4 Kinesis shard-level metrics: all seven enabled', () => {
  const stream = find(configuration, 'aws_kinesis_stream', 'transactions').body;
  assert.deepEqual([...stream.shard_level_metrics].sort(), [
    'IncomingBytes', 'IncomingRecords', 'IteratorAgeMilliseconds', 'OutgoingBytes', 'OutgoingRecords',
    'ReadProvisionedThroughputExceeded', 'WriteProvisionedThroughputExceeded',
  ]);
  assert.equal(stream.shard_count, '${var.kinesis_shard_count}');
});

test('#5 custom namespace with dimensions: the processor\'s namespace reaches the function, IAM and the alarms', () => {
  assert.equal(configuration.locals.get('metric_namespace').value, 'Paywatch/Transactions');
  const lambda = find(configuration, 'aws_lambda_function', 'processor').body;
  assert.equal(lambda.environment[0].variables.PAYWATCH_METRIC_NAMESPACE, '${local.metric_namespace}');
  // Metrics leave as EMF log lines (docs/telemetry.md): the role needs no cloudwatch:PutMetricData.
  const statements = find(configuration, 'aws_iam_policy_document', 'processor', 'data').body.statement;
  assert.ok(!statements.some(s => s.actions.some(a => a.startsWith('cloudwatch:'))));
  const latency = readJson('alarms', 'latency.json');
  assert.equal(latency.Namespace, 'Paywatch/Transactions');
  assert.deepEqual(latency.Dimensions.map(d => d.Name), ['Environment']);
});

test('#6 EventBridge content-based filtering: one rule per config/rules file on the custom bus, patterns from the files', () => {
  const rule = find(configuration, 'aws_cloudwatch_event_rule', 'routing').body;
  assert.equal(rule.for_each, '${local.rules}');
  assert.equal(rule.event_pattern, '${jsonencode(each.value.EventPattern)}');
  assert.equal(rule.event_bus_name, '${aws_cloudwatch_event_bus.transactions.name}');
  const rules = readdirSync(path.join(configDir, 'rules')).map(f => readJson('rules', f));
  assert.equal(rules.length, 5);
  for (const r of rules.filter(r => r.Name !== 'paywatch-window-summary')) {
    assert.ok(r.EventPattern.detail && typeof r.EventPattern === 'object', `${r.Name} filters on content`);
  }
  assert.equal(find(configuration, 'aws_cloudwatch_event_target', 'alerts').body.for_each, '${local.rules}');
});

test('#6 each rule has its own message: one config/targets file per rule, the alerts topic with its own input transformer', () => {
  const target = find(configuration, 'aws_cloudwatch_event_target', 'alerts').body;
  assert.equal(target.arn, '${local.targets[each.key].Targets[0].Arn}');
  assert.equal(target.input_transformer[0].input_template, '${local.targets[each.key].Targets[0].InputTransformer.InputTemplate}');
  assert.equal(target.input_transformer[0].input_paths, '${local.targets[each.key].Targets[0].InputTransformer.InputPathsMap}');
  const ruleFiles = readdirSync(path.join(configDir, 'rules')).sort();
  assert.deepEqual(readdirSync(path.join(configDir, 'targets')).sort(), ruleFiles);
  for (const file of ruleFiles) {
    const { Name } = readJson('rules', file);
    const { Rule, Targets } = JSON.parse(readFileSync(path.join(configDir, 'targets', file), 'utf8'));
    assert.equal(Rule, Name, file);
    assert.equal(Targets.length, 1, file);
    assert.deepEqual([Targets[0].Id, Targets[0].Arn], ['alerts-topic', '${alerts_topic_arn}'], file);
    // A JSON string template (quotes included), as SNS receives it; every <placeholder> is in InputPathsMap.
    const { InputPathsMap, InputTemplate } = Targets[0].InputTransformer;
    assert.match(InputTemplate, /^".*"$/, file);
    const used = [...InputTemplate.matchAll(/<([\w.-]+)>/g)].map(m => m[1]).sort();
    assert.deepEqual([...new Set(used)], Object.keys(InputPathsMap).sort(), file);
  }
});

test('#7 X-Ray: Active tracing and a 100% sampling rule for the processor', () => {
  assert.equal(find(configuration, 'aws_lambda_function', 'processor').body.tracing_config[0].mode, 'Active');
  const rule = find(configuration, 'aws_xray_sampling_rule', 'processor').body;
  assert.equal(rule.fixed_rate, 1);
  assert.equal(rule.service_name, '${local.function_name}');
  assert.ok(find(configuration, 'aws_xray_group', 'processor'));
  const permissions = find(configuration, 'aws_iam_policy_document', 'processor', 'data').body.statement.flatMap(s => s.actions);
  assert.ok(permissions.includes('xray:PutTraceSegments') && permissions.includes('xray:PutTelemetryRecords'));
});

test('#7 the trace mode reaches the function, one trace per invocation by default, validated at plan time', () => {
  const lambda = find(configuration, 'aws_lambda_function', 'processor').body;
  assert.equal(lambda.environment[0].variables.PAYWATCH_TRACE_MODE, '${var.trace_mode}');
  const variable = configuration.variables.get('trace_mode').body;
  assert.equal(variable.default, 'invocation');
  assert.match(variable.validation[0].condition, /contains\(\["invocation", "transaction", "off"\], var\.trace_mode\)/);
});

test('the event source mapping is bounded and reports partial failures to the DLQ', () => {
  const esm = find(configuration, 'aws_lambda_event_source_mapping', 'transactions').body;
  assert.deepEqual(esm.function_response_types, ['ReportBatchItemFailures']);
  assert.equal(esm.bisect_batch_on_function_error, true);
  assert.equal(esm.maximum_retry_attempts, '${var.event_source_maximum_retry_attempts}');
  assert.equal(esm.maximum_record_age_in_seconds, '${var.event_source_maximum_record_age_seconds}');
  assert.equal(esm.destination_config[0].on_failure[0].destination_arn, '${aws_sqs_queue.dead_letter["processor"].arn}');
  assert.equal(esm.tumbling_window_in_seconds, '${var.tumbling_window_seconds}');
  const queues = find(configuration, 'aws_sqs_queue', 'dead_letter').body;
  assert.equal(queues.message_retention_seconds, 1209600);
  assert.deepEqual(Object.keys(configuration.locals.get('dead_letter_queue_names').value), ['processor', 'routing']);
});
