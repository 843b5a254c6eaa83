// The security policy, checked on the Terraform as written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfiguration, find } from './lib/terraform.mjs';

const configuration = await loadConfiguration();
const ofType = (type) => configuration.resources.filter(r => r.type === type);
const documents = configuration.data.filter(d => d.type === 'aws_iam_policy_document');
const cmk = '${aws_kms_key.main.arn}';

// Where a resource stores data at rest, the argument that must name the customer-managed key.
const encryptedAtRest = {
  aws_kinesis_stream: ['kms_key_id'],
  aws_sns_topic: ['kms_master_key_id'],
  aws_sqs_queue: ['kms_master_key_id'],
  aws_cloudwatch_log_group: ['kms_key_id'],
  aws_cloudwatch_event_bus: ['kms_key_identifier'],
  aws_lambda_function: ['kms_key_arn'],
  aws_ecr_repository: ['encryption_configuration', 'kms_key'],
};

export function encryptionProblems(resources) {
  const problems = [];
  for (const resource of resources) {
    const rule = encryptedAtRest[resource.type];
    if (!rule) continue;
    const value = rule.length === 2 ? resource.body[rule[0]]?.[0]?.[rule[1]] : resource.body[rule[0]];
    if (value !== cmk) problems.push(`${resource.type}.${resource.name}: ${rule.join('.')} is ${value}`);
  }
  return problems;
}

test('everything that stores data at rest is encrypted with the customer-managed key', () => {
  assert.deepEqual(encryptionProblems(configuration.resources), []);
  for (const type of Object.keys(encryptedAtRest)) assert.ok(ofType(type).length, `no ${type} checked`);
  assert.equal(find(configuration, 'aws_kinesis_stream', 'transactions').body.encryption_type, 'KMS');
  assert.equal(find(configuration, 'aws_ecr_repository', 'processor').body.encryption_configuration[0].encryption_type, 'KMS');
});

test('the encryption check flags a queue without the key', () => {
  assert.deepEqual(encryptionProblems([{ type: 'aws_sqs_queue', name: 'q', body: { sqs_managed_sse_enabled: true } }]), ['aws_sqs_queue.q: kms_master_key_id is undefined']);
});

test('the key rotates and can be recovered for a while after a destroy', () => {
  const key = find(configuration, 'aws_kms_key', 'main').body;
  assert.equal(key.enable_key_rotation, true);
  assert.equal(key.deletion_window_in_days, '${var.kms_deletion_window_days}');
});

export function policyProblems(name, statements) {
  const problems = [];
  for (const [i, s] of statements.entries()) {
    const at = `${name}[${s.sid ?? i}]`;
    const allow = (s.effect ?? 'Allow') === 'Allow';
    for (const action of s.actions ?? []) {
      if (action === '*') problems.push(`${at}: action *`);
      // A service wildcard is allowed only to the account root in the key policy (the default key policy).
      if (allow && /:\*$/.test(action) && !(name === 'key' && s.principals?.[0]?.identifiers?.every(id => id.endsWith(':root}') || id.endsWith(':root')))) problems.push(`${at}: action ${action}`);
    }
    if (allow && s.not_actions) problems.push(`${at}: NotAction`);
    for (const principal of s.principals ?? []) {
      if (allow && principal.identifiers.includes('*')) problems.push(`${at}: public principal`);
    }
    if (allow && grantsEveryResource(s.resources) && !resourceStarAllowed(name, s)) problems.push(`${at}: Resource "*"`);
  }
  return problems;
}

// EC2's Describe actions take no resource: "*" is the only resource they accept
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html). Only these two, the ones
// Lambda needs to manage a VPC function's network interfaces, and only in the execution role.
const describeForVpcAccess = new Set(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets']);

// "*" where AWS requires it: X-Ray's trace APIs and PutMetricData have no resource type (the latter is narrowed
// by namespace); a key policy's Resource "*" means this key.
function resourceStarAllowed(name, statement) {
  if (name === 'key') return true;
  const actions = statement.actions ?? [];
  if (actions.length && actions.every(a => a.startsWith('xray:Put'))) return true;
  return name === 'processor' && actions.length > 0 && actions.every(a => describeForVpcAccess.has(a));
}

/** Resource "*": an element of a list as written, or a "*" literal inside an expression (concat(["*"], ...)). */
function grantsEveryResource(resources) {
  if (resources === undefined) return false;
  return Array.isArray(resources) ? resources.includes('*') : /"\*"/.test(resources);
}

/** A policy document's statements: those written out and the content of each `dynamic "statement"`. */
export function allStatements(body) {
  return [...(body.statement ?? []), ...(body.dynamic?.statement ?? []).flatMap(d => d.content ?? [])];
}

test('no IAM action *, no service wildcards, no public principals, Resource "*" only where AWS requires it', () => {
  assert.ok(documents.length >= 8);
  assert.ok(allStatements(find(configuration, 'aws_iam_policy_document', 'processor', 'data').body).some(s => s.actions.includes('ec2:CreateNetworkInterface')), 'dynamic statements are checked');
  const problems = documents.flatMap(d => policyProblems(d.name, allStatements(d.body)));
  assert.deepEqual(problems, []);
});

test('the policy check flags action *, a public principal and an unscoped resource', () => {
  assert.deepEqual(policyProblems('processor', [
    { sid: 'a', actions: ['*'], resources: ['arn'] },
    { sid: 'b', actions: ['sqs:SendMessage'], resources: ['*'], principals: [{ type: 'AWS', identifiers: ['*'] }] },
    { sid: 'c', actions: ['s3:*'], resources: ['arn'] },
  ]), ['processor[a]: action *', 'processor[b]: public principal', 'processor[b]: Resource "*"', 'processor[c]: action s3:*']);
});

test('Resource "*" for EC2 only for the two Describe actions, only in the execution role', () => {
  assert.deepEqual(policyProblems('processor', [
    { sid: 'describe', actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] },
    { sid: 'create', actions: ['ec2:CreateNetworkInterface'], resources: ['*'] },
    { sid: 'mixed', actions: ['ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface'], resources: ['*'] },
    { sid: 'other', actions: ['ec2:DescribeInstances'], resources: ['*'] },
    { sid: 'scoped', actions: ['ec2:CreateNetworkInterface'], resources: '${concat(["arn:aws:ec2:r:1:network-interface/*"], local.subnets)}' },
    { sid: 'hidden', actions: ['ec2:CreateNetworkInterface'], resources: '${concat(["*"], local.subnets)}' },
  ]), ['processor[create]: Resource "*"', 'processor[mixed]: Resource "*"', 'processor[other]: Resource "*"', 'processor[hidden]: Resource "*"']);
  assert.deepEqual(policyProblems('events_endpoint', [{ sid: 'd', actions: ['ec2:DescribeSubnets'], resources: ['*'] }]), ['events_endpoint[d]: Resource "*"']);
});

// "You can't use Condition blocks in Amazon SNS topic policies for EventBridge":
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
test('service principals that publish are held to this account where AWS carries the condition, and EventBridge\'s topic grant has none (eb-use-resource-based)', () => {
  const topic = find(configuration, 'aws_iam_policy_document', 'alerts', 'data').body.statement;
  const byService = service => topic.find(s => s.principals?.[0]?.type === 'Service' && s.principals[0].identifiers.includes(service));
  const cloudwatchPublish = byService('cloudwatch.amazonaws.com');
  assert.ok(cloudwatchPublish.condition.some(c => c.variable === 'aws:SourceArn' && c.values.every(v => v.endsWith('-${local.environment}'))));
  assert.equal(byService('events.amazonaws.com').condition, undefined);
  const key = find(configuration, 'aws_iam_policy_document', 'key', 'data').body.statement;
  const cloudwatch = key.find(s => s.principals[0].identifiers.includes('cloudwatch.amazonaws.com'));
  assert.deepEqual(cloudwatch.actions.sort(), ['kms:Decrypt', 'kms:GenerateDataKey*']);
  assert.ok(cloudwatch.condition.some(c => c.variable === 'aws:SourceAccount'));
  const events = key.find(s => s.principals[0].identifiers.includes('events.amazonaws.com'));
  assert.ok(events.actions.includes('kms:Decrypt') && events.actions.includes('kms:GenerateDataKey*'));
  // EventBridge's KMS requests for an encrypted SNS target carry no source keys: a condition on them drops alerts.
  assert.ok(!(events.condition ?? []).some(c => c.variable.startsWith('aws:Source')));
});

test('every log group has a retention', () => {
  for (const group of ofType('aws_cloudwatch_log_group')) assert.equal(group.body.retention_in_days, '${var.log_retention_days}');
  assert.ok(find(configuration, 'aws_lambda_function', 'processor').body.logging_config[0].log_group);
});

test('the image repository is immutable and scanned on push, with a lifecycle policy', () => {
  const repository = find(configuration, 'aws_ecr_repository', 'processor').body;
  assert.equal(repository.image_tag_mutability, 'IMMUTABLE');
  assert.equal(repository.image_scanning_configuration[0].scan_on_push, true);
  assert.ok(find(configuration, 'aws_ecr_lifecycle_policy', 'processor'));
});

test('the function environment holds no secrets', () => {
  const variables = find(configuration, 'aws_lambda_function', 'processor').body.environment[0].variables;
  assert.deepEqual(Object.keys(variables).filter(k => /SECRET|PASSWORD|TOKEN|KEY/i.test(k)), []);
});

test('queues refuse unencrypted transport', () => {
  const deny = find(configuration, 'aws_iam_policy_document', 'dead_letter', 'data').body.statement.find(s => s.effect === 'Deny');
  assert.equal(deny.condition[0].variable, 'aws:SecureTransport');
  assert.equal(find(configuration, 'aws_sqs_queue_policy', 'dead_letter').body.for_each, '${local.dead_letter_senders}');
});
