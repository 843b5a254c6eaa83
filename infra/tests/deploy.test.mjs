// What stops a first `terraform apply` on a new account, checked on the Terraform and the runbook as written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfiguration, find, infraDir, repositoryRoot } from './lib/terraform.mjs';

const configuration = await loadConfiguration();
const variable = (name) => configuration.variables.get(name).body;

test('image_tag has no default: the function never points at a tag nobody pushed', () => {
  assert.ok(!('default' in variable('image_tag')));
  assert.equal(variable('image_tag').nullable, false);
});

// Lambda keeps 100 unreserved executions per account: an account whose quota is below N + 100 fails at
// PutFunctionConcurrency (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
test('reserved concurrency is optional: null (unreserved) by default, passed to the function as it is', () => {
  assert.equal(variable('lambda_reserved_concurrency').default, null);
  assert.match(variable('lambda_reserved_concurrency').validation[0].condition, /var\.lambda_reserved_concurrency == null \|\|/);
  assert.equal(find(configuration, 'aws_lambda_function', 'processor').body.reserved_concurrent_executions, '${var.lambda_reserved_concurrency}');
});

test('the function is created after the repository policy that lets Lambda pull its image', () => {
  const dependsOn = find(configuration, 'aws_lambda_function', 'processor').body.depends_on;
  assert.ok(dependsOn.includes('${aws_ecr_repository_policy.processor}'), JSON.stringify(dependsOn));
});

// Docker's BuildKit pushes an OCI image index with provenance and SBOM attestations by default; Lambda takes only a
// single-platform image manifest ("The image manifest, config or layer media type ... is not supported").
// https://docs.aws.amazon.com/lambda/latest/dg/images-create.html
const documentsWithBuilds = ['infra/README.md', 'docs/lambda.md', 'src/Paywatch.Lambda/Dockerfile'];

test('every documented docker build makes a single image manifest Lambda accepts (--provenance=false --sbom=false)', () => {
  let builds = 0;
  for (const file of documentsWithBuilds) {
    for (const line of readFileSync(path.join(repositoryRoot, file), 'utf8').split('\n').filter(l => l.includes('docker build'))) {
      builds++;
      assert.match(line, /--provenance=false/, `${file}: ${line}`);
      assert.match(line, /--sbom=false/, `${file}: ${line}`);
      assert.match(line, /--platform linux\/amd64/, `${file}: ${line}`);
    }
  }
  assert.ok(builds >= 3, `${builds} docker build lines found`);
});

test('the runbook keeps image_tag in image.auto.tfvars, so a plain terraform apply runs the image last pushed', () => {
  const runbook = readFileSync(path.join(infraDir, 'README.md'), 'utf8');
  assert.match(runbook, /image_tag = \\"\$TAG\\"" > image\.auto\.tfvars/);
  assert.doesNotMatch(runbook, /-var image_tag/);
});
