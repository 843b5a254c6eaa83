// infra/tests/render evaluates config/ through Terraform itself (tests/Paywatch.Infra.Tests/TerraformRenderTests.cs):
// its loading expressions must be infra/main.tf's, word for word, or the render would prove nothing about the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadConfiguration, infraDir } from './lib/terraform.mjs';

const stack = await loadConfiguration();
const render = await loadConfiguration(path.join(infraDir, 'tests', 'render'));
const loading = ['rules', 'targets', 'metric_alarms', 'composite_alarms', 'queries', 'dashboard_body'];

test('the render module loads config/ with infra/main.tf\'s own expressions', () => {
  for (const name of loading) {
    assert.deepEqual(render.locals.get(name)?.value, stack.locals.get(name).value, name);
  }
  assert.equal(render.locals.get('template_values').value, '${var.template_values}');
});

test('the render module renders every value the stack\'s templates are filled with', () => {
  assert.ok(render.variables.has('template_values'));
  assert.deepEqual(Object.keys(render.locals.get('rendered').value).sort(), [...loading].sort());
});
