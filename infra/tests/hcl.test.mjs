import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { infraDir, terraformFiles, loadConfiguration } from './lib/terraform.mjs';

test('every .tf file parses with the HCL parser', async () => {
  const files = terraformFiles();
  assert.ok(files.length >= 10, `only ${files.length} .tf files`);
  for (const file of files) {
    await assert.doesNotReject(parse(file, readFileSync(path.join(infraDir, file), 'utf8')), file);
  }
});

test('the HCL parser rejects a broken file (the check above can fail)', async () => {
  await assert.rejects(parse('broken.tf', 'resource "aws_sns_topic" "x" {\n  name = "a"\n'));
});

test('files follow HashiCorp conventions: versions, variables and outputs in their own files', async () => {
  const configuration = await loadConfiguration();
  for (const [name] of configuration.variables) {
    assert.equal(configuration.variables.get(name).file, 'variables.tf', `variable ${name}`);
  }
  for (const [name, output] of configuration.outputs) {
    assert.equal(output.file, 'outputs.tf', `output ${name}`);
    assert.ok(output.body.description, `output ${name} has no description`);
  }
  assert.deepEqual([...configuration.files].filter(([, json]) => json.terraform).map(([file]) => file), ['versions.tf']);
});

test('Terraform >= 1.5 and the AWS provider pinned to the 6.x release the schema comes from', async () => {
  const configuration = await loadConfiguration();
  const [block] = configuration.terraform;
  assert.equal(block.required_version, '>= 1.5.0');
  const aws = block.required_providers[0].aws;
  assert.equal(aws.source, 'hashicorp/aws');
  const { providerVersion } = await import('./lib/provider-schema.mjs');
  const [major, minor] = providerVersion().version.split('.');
  assert.equal(major, '6');
  assert.equal(aws.version, `~> ${major}.${minor}.0`);
});

test('every variable has a description, a type and a validation', async () => {
  const configuration = await loadConfiguration();
  for (const [name, { body }] of configuration.variables) {
    assert.ok(body.description, `${name}: description`);
    assert.ok(body.type, `${name}: type`);
    assert.ok(body.validation?.length, `${name}: validation`);
  }
});

test('the spec variables and outputs exist, with the spec defaults', async () => {
  const configuration = await loadConfiguration();
  for (const name of ['environment_suffix', 'aws_region', 'alarm_email_endpoint', 'kinesis_shard_count', 'log_retention_days']) {
    assert.ok(configuration.variables.has(name), name);
  }
  assert.equal(configuration.variables.get('kinesis_shard_count').body.default, 5);
  assert.equal(configuration.variables.get('log_retention_days').body.default, 30);
  for (const name of ['cloudwatch_dashboard_url', 'xray_console_url', 'kinesis_stream_name', 'ecr_repository_url',
    'alerts_topic_arn', 'processor_dlq_url', 'event_bus_arn', 'lambda_function_arn']) {
    assert.ok(configuration.outputs.has(name), name);
  }
});

// image_tag has no default and is not in the example: the runbook writes it to image.auto.tfvars with each push.
const writtenByTheRunbook = new Set(['image_tag']);

test('terraform.tfvars.example sets every variable without a default and only declared ones', async () => {
  const configuration = await loadConfiguration();
  const example = await parse('terraform.tfvars', readFileSync(path.join(infraDir, 'terraform.tfvars.example'), 'utf8'));
  for (const name of Object.keys(example)) {
    assert.ok(configuration.variables.has(name), `${name} is not a variable`);
  }
  for (const [name, { body }] of configuration.variables) {
    if (!('default' in body) && !writtenByTheRunbook.has(name)) {
      assert.ok(name in example, `${name} has no default and is missing from the example`);
    }
  }
});
