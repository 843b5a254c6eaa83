// The twin's AWS APIs beyond the spec's samples, with the real AWS SDK for JavaScript: CloudWatch Logs (the saved
// queries through StartQuery, against `paywatch query` on the same log file), SNS, SQS delays and attributes,
// CloudWatch metrics, dashboard and alarm history, EventBridge and Kinesis paging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KinesisClient, PutRecordsCommand, ListStreamConsumersCommand, DescribeStreamConsumerCommand } from '@aws-sdk/client-kinesis';
import {
  CloudWatchLogsClient, StartQueryCommand, GetQueryResultsCommand, DescribeQueryDefinitionsCommand, FilterLogEventsCommand,
  DescribeLogGroupsCommand, GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { SNSClient, ListTopicsCommand, ListSubscriptionsByTopicCommand, GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import {
  SQSClient, GetQueueUrlCommand, SendMessageCommand, ReceiveMessageCommand, ChangeMessageVisibilityCommand, PurgeQueueCommand,
} from '@aws-sdk/client-sqs';
import {
  CloudWatchClient, PutMetricDataCommand, GetMetricDataCommand, ListMetricsCommand, GetDashboardCommand, ListDashboardsCommand,
  DescribeAlarmHistoryCommand, GetMetricStatisticsCommand,
} from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, ListRulesCommand, ListEventBusesCommand } from '@aws-sdk/client-eventbridge';
import { startTwin, eventually, clientConfig, paywatch, repositoryRoot } from './twin.mjs';

const logGroupName = '/aws/lambda/transaction-processor-local';
const transactions = Array.from({ length: 12 }, (_, i) =>
  JSON.stringify({ transaction_id: `txn-${String(i).padStart(3, '0')}`, amount: i % 4 === 0 ? -5 : 25, type: i % 3 === 0 ? 'REFUND' : 'PURCHASE', merchant_id: 'm-1', merchant_country: 'DE' }));

test('the twin answers the Logs, SNS, SQS, CloudWatch, EventBridge and Kinesis APIs with the SDK', async () => {
  const twin = await startTwin();
  try {
    const config = clientConfig(twin.endpoint);
    const kinesis = new KinesisClient(config);
    await kinesis.send(new PutRecordsCommand({
      StreamName: 'transaction-stream-local',
      Records: transactions.map((data, i) => ({ PartitionKey: `card-${i % 3}`, Data: Buffer.from(data) })),
    }));

    // CloudWatch Logs: wait until the twelve transactions are logged.
    const logs = new CloudWatchLogsClient(config);
    await eventually('twelve logged transactions', async () =>
      (await logs.send(new FilterLogEventsCommand({ logGroupName, filterPattern: '"transaction processed"' }))).events.length === 12);
    const groups = await logs.send(new DescribeLogGroupsCommand({ limit: 1 }));
    assert.deepEqual(groups.logGroups.map(g => g.logGroupName), [logGroupName]);
    const head = await logs.send(new GetLogEventsCommand({ logGroupName, logStreamName: '[$LATEST]local', startFromHead: true, limit: 1 }));
    assert.equal(head.events.length, 1);

    // Each saved query: StartQuery + GetQueryResults give the rows `paywatch query` gives on the same log file.
    // The log group's folder of segment files, which paywatch query reads whole.
    const logFile = path.join(twin.data, 'logs', 'aws_lambda_transaction-processor-local');
    const now = Math.floor(Date.now() / 1000);
    const queries = readdirSync(path.join(repositoryRoot, 'config/queries')).filter(f => f.endsWith('.query')).sort();
    assert.equal(queries.length, 4);
    for (const file of queries) {
      const queryString = readFileSync(path.join(repositoryRoot, 'config/queries', file), 'utf8');
      const { queryId } = await logs.send(new StartQueryCommand({ logGroupName, queryString, startTime: now - 3600, endTime: now + 3600 }));
      const results = await logs.send(new GetQueryResultsCommand({ queryId }));
      assert.equal(results.status, 'Complete');
      const expected = paywatch('query', '--log-file', logFile, '--output', 'json', queryString).trim().split('\n').filter(Boolean)
        .map(line => Object.fromEntries(Object.entries(JSON.parse(line)).filter(([, v]) => v !== null).map(([k, v]) => [k, String(v)])));
      const actual = results.results.map(row => Object.fromEntries(row.map(f => [f.field, f.value])));
      assert.ok(expected.length > 0, file);
      assert.deepEqual(actual, expected, file);
    }

    // From the data put in: four REFUNDs (0, 3, 6, 9), eight PURCHASEs.
    const typesQuery = readFileSync(path.join(repositoryRoot, 'config/queries/Transaction-Types.query'), 'utf8');
    const { queryId } = await logs.send(new StartQueryCommand({ logGroupName, queryString: typesQuery, startTime: now - 3600, endTime: now + 3600 }));
    const types = (await logs.send(new GetQueryResultsCommand({ queryId }))).results
      .map(row => Object.fromEntries(row.map(f => [f.field, f.value])));
    assert.deepEqual(types.map(t => [t.type, t.transactions]), [['PURCHASE', '8'], ['REFUND', '4']]);

    const definitions = await logs.send(new DescribeQueryDefinitionsCommand({ maxResults: 2 }));
    assert.equal(definitions.queryDefinitions.length, 2);
    const more = await logs.send(new DescribeQueryDefinitionsCommand({ maxResults: 2, nextToken: definitions.nextToken }));
    assert.deepEqual([...definitions.queryDefinitions, ...more.queryDefinitions].map(d => d.name),
      queries.map(f => `paywatch-local/${f.replace(/\.query$/, '')}`));
    await assert.rejects(logs.send(new FilterLogEventsCommand({ logGroupName, filterPattern: '{ $.status = "FAILED" }' })),
      e => e.name === 'InvalidParameterException');

    // SNS: the alerts topic.
    const sns = new SNSClient(config);
    const topicArn = 'arn:aws:sns:us-east-1:000000000000:paywatch-alerts-local';
    assert.deepEqual((await sns.send(new ListTopicsCommand({}))).Topics.map(t => t.TopicArn), [topicArn]);
    const attributes = (await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes;
    assert.equal(attributes.TopicArn, topicArn);
    const subscriptions = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    assert.equal(subscriptions.Subscriptions.length, Number(attributes.SubscriptionsConfirmed));

    // SQS: a delayed message with attributes, released early by ChangeMessageVisibility, then a purge.
    const sqs = new SQSClient(config);
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'transaction-processor-dlq-local' }));
    const sent = await sqs.send(new SendMessageCommand({
      QueueUrl, MessageBody: 'later', DelaySeconds: 2,
      MessageAttributes: { attribName1: { DataType: 'String', StringValue: 'attribValue 1' } },
    }));
    // The digest AWS documents for this attribute (computed by SQS's published algorithm).
    assert.equal(sent.MD5OfMessageAttributes, '19e27d4e946b072f3f58da80d94fd778');
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages, undefined);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MessageAttributeNames: ['All'] }));
    assert.equal(received.Messages[0].Body, 'later');
    assert.equal(received.Messages[0].MessageAttributes.attribName1.StringValue, 'attribValue 1');
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: received.Messages[0].ReceiptHandle, VisibilityTimeout: 0 }));
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages[0].Body, 'later');
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', DelaySeconds: 901 })), e => e.name === 'InvalidParameterValue' || /DelaySeconds/.test(e.message));

    // CloudWatch (JSON 1.0): put, read back with metric math, list; the dashboard; the alarm history.
    const cloudwatch = new CloudWatchClient(config);
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
    await cloudwatch.send(new PutMetricDataCommand({
      Namespace: 'E2E/Checkout',
      MetricData: [
        { MetricName: 'Requests', Timestamp: new Date(minute.getTime() + 5_000), Value: 8 },
        { MetricName: 'Errors', Timestamp: new Date(minute.getTime() + 5_000), Value: 2 },
      ],
    }));
    const data = await cloudwatch.send(new GetMetricDataCommand({
      StartTime: new Date(minute.getTime() - 600_000), EndTime: new Date(minute.getTime() + 60_000),
      MetricDataQueries: [
        { Id: 'requests', MetricStat: { Metric: { Namespace: 'E2E/Checkout', MetricName: 'Requests' }, Period: 60, Stat: 'Sum' }, ReturnData: false },
        { Id: 'errors', MetricStat: { Metric: { Namespace: 'E2E/Checkout', MetricName: 'Errors' }, Period: 60, Stat: 'Sum' }, ReturnData: false },
        { Id: 'rate', Expression: '100 * errors / requests' },
      ],
    }));
    assert.deepEqual(data.MetricDataResults.map(r => [r.Id, r.Values]), [['rate', [25]]]);
    assert.equal(data.MetricDataResults[0].Timestamps[0].getTime(), minute.getTime());
    const listed = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'E2E/Checkout' }));
    assert.deepEqual(listed.Metrics.map(m => m.MetricName), ['Errors', 'Requests']);
    await assert.rejects(cloudwatch.send(new GetMetricStatisticsCommand({
      Namespace: 'E2E/Checkout', MetricName: 'Requests', Statistics: ['Sum'], Period: 45, StartTime: new Date(Date.now() - 600_000), EndTime: new Date(),
    })), e => e.name === 'InvalidParameterValueException' || /Period/.test(e.message));
    const dashboards = await cloudwatch.send(new ListDashboardsCommand({}));
    assert.deepEqual(dashboards.DashboardEntries.map(d => d.DashboardName), ['paywatch-local']);
    const dashboard = await cloudwatch.send(new GetDashboardCommand({ DashboardName: 'paywatch-local' }));
    assert.ok(!dashboard.DashboardBody.includes('${'));
    assert.equal(JSON.parse(dashboard.DashboardBody).widgets.length, 10);
    const history = await cloudwatch.send(new DescribeAlarmHistoryCommand({ MaxRecords: 1 }));
    assert.ok(Array.isArray(history.AlarmHistoryItems));

    // EventBridge: five rules (the spec's four and the window summary), two a page; the default bus and the twin's.
    const events = new EventBridgeClient(config);
    const first = await events.send(new ListRulesCommand({ EventBusName: 'paywatch-transactions-local', Limit: 2 }));
    const second = await events.send(new ListRulesCommand({ EventBusName: 'paywatch-transactions-local', Limit: 2, NextToken: first.NextToken }));
    const third = await events.send(new ListRulesCommand({ EventBusName: 'paywatch-transactions-local', Limit: 2, NextToken: second.NextToken }));
    assert.deepEqual([first.Rules.length, second.Rules.length, third.Rules.length], [2, 2, 1]);
    assert.equal(third.NextToken, undefined);
    assert.equal(new Set([...first.Rules, ...second.Rules, ...third.Rules].map(r => r.Name)).size, 5);
    const buses = await events.send(new ListEventBusesCommand({}));
    assert.deepEqual(buses.EventBuses.map(b => b.Name), ['default', 'paywatch-transactions-local']);

    // Kinesis: no enhanced fan-out consumers.
    const streamArn = 'arn:aws:kinesis:us-east-1:000000000000:stream/transaction-stream-local';
    assert.deepEqual((await kinesis.send(new ListStreamConsumersCommand({ StreamARN: streamArn }))).Consumers, []);
    await assert.rejects(kinesis.send(new DescribeStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'fan-out' })),
      e => e.name === 'ResourceNotFoundException');
  } finally {
    const code = await twin.stop();
    assert.equal(code, 0, twin.output());
  }
});
