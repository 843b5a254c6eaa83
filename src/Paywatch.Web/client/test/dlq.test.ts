import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeadLetterMessage } from '../src/api';
import { batchInfo, describeRedrive, failureCondition, shortSequence } from '../src/dlq/batch-info';

// The invocation record of the AWS example for a Kinesis on-failure destination:
// https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
const awsExampleBody = {
  requestContext: {
    requestId: 'c9b8fa9f-5a7f-xmpl-af9c-0c604cde93a5',
    functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:myfunction',
    condition: 'RetryAttemptsExhausted',
    approximateInvokeCount: 1,
  },
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  version: '1.0',
  timestamp: '2019-11-14T00:38:06.021Z',
  KinesisBatchInfo: {
    shardId: 'shardId-000000000001',
    startSequenceNumber: '49601189658422359378836298521827638475320189012309704722',
    endSequenceNumber: '49601189658422359378836298522902373528957594348623495186',
    approximateArrivalOfFirstRecord: '2019-11-14T00:38:04.835Z',
    approximateArrivalOfLastRecord: '2019-11-14T00:38:05.580Z',
    batchSize: 500,
    streamArn: 'arn:aws:kinesis:us-east-2:123456789012:stream/mystream',
  },
};

const message = (over: Partial<DeadLetterMessage>): DeadLetterMessage => ({
  messageId: 'm1', sent: '2019-11-14T00:38:06.100Z', receiveCount: 0, condition: null, functionArn: null, batch: null,
  body: awsExampleBody, ...over,
});

test('the batch is read from the body of the AWS example when the API did not extract it', () => {
  const info = batchInfo(message({}));
  assert.deepEqual(info, awsExampleBody.KinesisBatchInfo);
  assert.equal(failureCondition(message({})), 'RetryAttemptsExhausted');
});

test("the API's own extraction wins over the body", () => {
  const batch = { ...awsExampleBody.KinesisBatchInfo, batchSize: 3 };
  assert.equal(batchInfo(message({ batch }))!.batchSize, 3);
  assert.equal(failureCondition(message({ condition: 'RecordAgeExceeded' })), 'RecordAgeExceeded');
});

test('a body that is not an invocation record has no batch and no condition', () => {
  assert.equal(batchInfo(message({ body: 'not json' })), null);
  assert.equal(batchInfo(message({ body: { KinesisBatchInfo: [] } })), null);
  assert.equal(failureCondition(message({ body: null })), null);
});

test('sequence numbers are shortened to their distinguishing end', () => {
  assert.equal(shortSequence(awsExampleBody.KinesisBatchInfo.startSequenceNumber), '…09704722');
  assert.equal(shortSequence('12345'), '12345');
});

test('the redrive result reads one line per message', () => {
  assert.deepEqual(describeRedrive({ redriven: [{ messageId: 'a', records: 1 }, { messageId: 'b', records: 3 }], failed: [{ messageId: 'c', reason: 'in flight' }] }), {
    redriven: ['a: 1 record put back on the stream', 'b: 3 records put back on the stream'],
    failed: ['c: in flight'],
  });
});
