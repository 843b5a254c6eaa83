// The spec's "Verify Deployment" step against the local twin, with the real AWS SDK for JavaScript: the three
// put-record commands, then what the operator should see — routed notifications, logs, metrics, alarms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { KinesisClient, PutRecordCommand, DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { startTwin, eventually, clientConfig, paywatch } from './twin.mjs';

// README "Generate Test Transactions" / "Verify Deployment" (partition key "test-key").
const samples = [
  '{"transaction_id":"txn-001","amount":1500,"type":"PURCHASE","merchant_id":"merch-123","merchant_country":"US","transaction_count":1}',
  '{"transaction_id":"txn-002","amount":15000,"type":"PURCHASE","merchant_id":"merch-456","merchant_country":"US","transaction_count":1}',
  '{"transaction_id":"txn-003","amount":-100,"type":"PURCHASE"}',
];

async function webhook() {
  const received = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', chunk => { body += chunk; });
    request.on('end', () => { received.push({ type: request.headers['x-amz-sns-message-type'], body: JSON.parse(body) }); response.end(); });
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, received, close: () => server.close() };
}

test('the spec samples are routed by the right rules, notified, logged and measured', async () => {
  const hook = await webhook();
  // The stream's alert budget paces alerts (docs/alerting.md): a lane tells at most one a second, and the window's first
  // and last seconds are the summaries'. This test is about routing and messages, so it gives the budget room, puts
  // the records more than a second apart, and keeps clear of a window's edges.
  const twin = await startTwin('--notify-webhook', hook.url, '--alerts-per-window', '10000');
  try {
    const kinesis = new KinesisClient(clientConfig(twin.endpoint));
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'transaction-stream-local' }));
    assert.equal(summary.StreamDescriptionSummary.OpenShardCount, 5);
    const intoWindow = () => (Date.now() / 1000) % 300;
    if (intoWindow() > 290) {
      await new Promise(resolve => setTimeout(resolve, (302 - intoWindow()) * 1000));
    }
    for (const data of samples) {
      const put = await kinesis.send(new PutRecordCommand({ StreamName: 'transaction-stream-local', PartitionKey: 'test-key', Data: Buffer.from(data) }));
      assert.match(put.SequenceNumber, /^\d+$/);
      await new Promise(resolve => setTimeout(resolve, 1_500));
    }

    // txn-002 by the high-value rule, txn-003 by the failed rule (the window's first MISSING_FIELD), txn-001 by none: two
    // SNS notifications, each in its rule's words (config/targets, docs/alerting.md). (The alarms' notifications,
    // the composites' OK as the twin starts, carry a Subject, EventBridge's never do.)
    const routed = () => hook.received.filter(n => n.body.Subject === undefined);
    const notifications = await eventually('two notifications', () => routed().length >= 2 && routed());
    await new Promise(resolve => setTimeout(resolve, 500));
    assert.equal(routed().length, 2, JSON.stringify(hook.received));
    const messages = notifications.map(n => n.body).sort((a, b) => a.Message.localeCompare(b.Message));
    for (const message of messages) {
      assert.equal(message.Type, 'Notification');
      assert.equal(message.TopicArn, 'arn:aws:sns:us-east-1:000000000000:paywatch-alerts-local');
    }
    assert.match(messages[0].Message, /^"Paywatch local: FAILED, the window's first MISSING_FIELD on shardId-\d{12}: transaction txn-003: a required field is absent or empty \(merchant_id\), and 2 more\. Record \d+, at /);
    assert.match(messages[1].Message, /^"Paywatch local: high-value transaction txn-002, a PURCHASE of 15000 at merchant merch-456 \(US\), risk score \d+, at /);

    // Logs Insights over the function's log group (a folder of hourly segments): all three, by status.
    const logFile = `${twin.data}/logs/aws_lambda_transaction-processor-local`;
    const rows = paywatch('query', '--log-file', logFile, '--output', 'json', 'filter ispresent(status) | stats count(*) as n by status | sort status')
      .trim().split('\n').map(line => JSON.parse(line));
    assert.deepEqual(rows.map(r => [r.status, String(r.n)]), [['APPROVED', '2'], ['FAILED', '1']]);

    // CloudWatch: the processor's metric and the AWS/Lambda one, through the CloudWatch API.
    const cloudwatch = new CloudWatchClient(clientConfig(twin.endpoint));
    const now = new Date();
    const statistics = async (namespace, name, dimensions) => (await cloudwatch.send(new GetMetricStatisticsCommand({
      Namespace: namespace, MetricName: name, Dimensions: dimensions, Statistics: ['Sum'], Period: 60,
      StartTime: new Date(now.getTime() - 10 * 60_000), EndTime: new Date(now.getTime() + 60_000),
    }))).Datapoints.reduce((sum, d) => sum + d.Sum, 0);
    assert.equal(await statistics('Paywatch/Transactions', 'TransactionsProcessed', [{ Name: 'Environment', Value: 'local' }]), 3);
    assert.equal(await statistics('AWS/Kinesis', 'IncomingRecords', [{ Name: 'StreamName', Value: 'transaction-stream-local' }]), 3);
    assert.ok(await statistics('AWS/Lambda', 'Invocations', [{ Name: 'FunctionName', Value: 'transaction-processor-local' }]) >= 1);

    // The alarms of config/alarms: nine metric alarms under the three composites.
    const alarms = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmTypes: ['CompositeAlarm', 'MetricAlarm'] }));
    assert.equal(alarms.MetricAlarms.length, 9);
    assert.equal(alarms.CompositeAlarms.length, 3);
  } finally {
    const code = await twin.stop();
    hook.close();
    assert.equal(code, 0, twin.output());
  }
});
