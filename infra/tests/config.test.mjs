// Terraform's templatefile refuses a placeholder it has no value for: every ${...} in the config/ templates
// Terraform renders must be a key of local.template_values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configDir } from './lib/terraform.mjs';
import { terraformConfigSet } from './lib/config-set.mjs';
import { loadConfiguration } from './lib/terraform.mjs';

const configuration = await loadConfiguration();
const set = await terraformConfigSet();

export function placeholders(text) {
  return [...text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map(m => m[1]);
}

test('every placeholder in the alarm, dashboard and target templates has a value in local.template_values', () => {
  const values = new Set(Object.keys(configuration.locals.get('template_values').value));
  const templates = [...set.metric_alarms, ...set.composite_alarms, ...set.dashboard_body, ...set.targets];
  assert.equal(templates.length, 18);
  const missing = templates.flatMap(file => placeholders(readFileSync(path.join(configDir, file), 'utf8')).filter(p => !values.has(p)).map(p => `${file}: \${${p}}`));
  assert.deepEqual(missing, []);
});

test('rules and queries are read as they are (no placeholders, no template directives)', () => {
  for (const file of [...set.rules, ...set.queries]) {
    assert.doesNotMatch(readFileSync(path.join(configDir, file), 'utf8'), /[$%]\{/, file);
  }
});

test('the dashboard template is a dashboard body with a widgets array, and JSON once filled', () => {
  const text = readFileSync(path.join(configDir, 'dashboard', 'dashboard.json'), 'utf8');
  const filled = text.replace(/\$\{([A-Za-z_]\w*)\}/g, 'x');
  assert.equal(JSON.parse(filled).widgets.length, 10);
  assert.deepEqual(placeholders('a ${b} $${c}'), ['b']);
});
