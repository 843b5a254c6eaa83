// The Kinesis batch a dead-letter message stands for. The API extracts it; when it could not (an older or foreign
// message), the body is Lambda's on-failure invocation record and carries it as KinesisBatchInfo, so read it there
// (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html).
import type { DeadLetterMessage, KinesisBatchInfo, RedriveResult } from '../api';

export function batchInfo(message: DeadLetterMessage): KinesisBatchInfo | null {
  if (message.batch) return message.batch;
  const body = asRecord(message.body);
  const info = asRecord(body?.['KinesisBatchInfo']);
  if (!info) return null;
  const text = (key: string) => (typeof info[key] === 'string' ? (info[key] as string) : '');
  const size = info['batchSize'];
  return {
    shardId: text('shardId'),
    startSequenceNumber: text('startSequenceNumber'),
    endSequenceNumber: text('endSequenceNumber'),
    approximateArrivalOfFirstRecord: text('approximateArrivalOfFirstRecord'),
    approximateArrivalOfLastRecord: text('approximateArrivalOfLastRecord'),
    batchSize: typeof size === 'number' ? size : 0,
    streamArn: text('streamArn'),
  };
}

/** The failure condition: the API's, else the body's requestContext.condition. */
export function failureCondition(message: DeadLetterMessage): string | null {
  if (message.condition) return message.condition;
  const context = asRecord(asRecord(message.body)?.['requestContext']);
  const condition = context?.['condition'];
  return typeof condition === 'string' ? condition : null;
}

/**
 * A sequence number shortened for a table cell: Kinesis sequence numbers are up to 128 digits and share a long prefix
 * within a shard, so the end tells them apart. The full number stays in the cell's title and the raw body.
 */
export function shortSequence(sequence: string, keep = 8): string {
  return sequence.length > keep + 4 ? `…${sequence.slice(-keep)}` : sequence;
}

/** The redrive result in words, one line per message. */
export function describeRedrive(result: RedriveResult): { redriven: string[]; failed: string[] } {
  return {
    redriven: result.redriven.map(r => `${r.messageId}: ${r.records} ${r.records === 1 ? 'record' : 'records'} put back on the stream`),
    failed: result.failed.map(f => `${f.messageId}: ${f.reason}`),
  };
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
