// Every resource and data source, argument and nested block exists in the pinned provider, every required
// argument is present, and every reference resolves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemaOf, toCamel } from './lib/provider-schema.mjs';
import { loadConfiguration, expressions, referencesIn } from './lib/terraform.mjs';

const configuration = await loadConfiguration();
const metaArguments = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);

/** Problems with a block body against its schema: unknown arguments, blocks written as attributes, missing required. */
export function schemaProblems(body, schema, at, topLevel = true) {
  const problems = [];
  const present = new Set(Object.keys(body));
  for (const [label, bodies] of Object.entries(body.dynamic ?? {})) {
    present.add(label);
    const nested = schema.arguments.get(label)?.block;
    if (!nested) {
      problems.push(`${at}: dynamic "${label}" is not a block`);
      continue;
    }
    for (const dynamicBody of bodies) {
      for (const content of dynamicBody.content ?? []) {
        problems.push(...schemaProblems(content, nested, `${at}.${label}`, false));
      }
    }
  }
  for (const [key, value] of Object.entries(body)) {
    if (key === 'dynamic' || (topLevel && metaArguments.has(key))) {
      continue;
    }
    const argument = schema.arguments.get(key);
    if (!argument) {
      problems.push(`${at}: unknown argument or block "${key}"`);
    } else if (argument.block) {
      if (!Array.isArray(value) || value.some(v => typeof v !== 'object')) {
        problems.push(`${at}: "${key}" is a block, written as an attribute`);
      } else {
        value.forEach(v => problems.push(...schemaProblems(v, argument.block, `${at}.${key}`, false)));
      }
    }
  }
  for (const [name, argument] of schema.arguments) {
    if (argument.required && !present.has(name)) {
      problems.push(`${at}: required argument "${name}" is missing`);
    }
  }
  return problems;
}

test('every resource and data source type exists in the pinned provider', () => {
  const missing = [...configuration.resources.map(r => ['resource', r]), ...configuration.data.map(d => ['data', d])]
    .filter(([kind, block]) => !schemaOf(kind, block.type))
    .map(([kind, block]) => `${kind} ${block.type}`);
  assert.deepEqual(missing, []);
});

test('every argument and nested block exists, and every required one is present', () => {
  const problems = [];
  for (const [kind, blocks] of [['resource', configuration.resources], ['data', configuration.data]]) {
    for (const block of blocks) {
      problems.push(...schemaProblems(block.body, schemaOf(kind, block.type), `${block.file}: ${block.type}.${block.name}`));
    }
  }
  assert.deepEqual(problems, []);
});

test('the schema check finds an unknown argument, a missing required one and an unknown nested argument', () => {
  const schema = schemaOf('resource', 'aws_lambda_event_source_mapping');
  const problems = schemaProblems({ event_source_arn: 'x', batch_sise: 10, destination_config: [{ on_failure: [{ arn: 'x' }] }] }, schema, 'esm');
  assert.deepEqual(problems.sort(), [
    'esm.destination_config.on_failure: required argument "destination_arn" is missing',
    'esm.destination_config.on_failure: unknown argument or block "arn"',
    'esm: required argument "function_name" is missing',
    'esm: unknown argument or block "batch_sise"',
  ]);
});

test('the schema read is that of provider 6.25.0: aws_region exposes region, docs link 6.25.0, unknown types are null', () => {
  const region = schemaOf('data', 'aws_region');
  assert.ok(region.attributes.has('region'));
  assert.match(region.docs, /\/aws\/6\.25\.0\/docs\/data-sources\/region$/);
  assert.equal(schemaOf('resource', 'aws_not_a_thing'), null);
});

async function allExpressions() {
  const found = [];
  const add = (where, value) => { for (const e of expressions(value)) found.push({ where: `${where}.${e.at}`, expression: e.expression }); };
  for (const block of configuration.resources) add(`${block.type}.${block.name}`, block.body);
  for (const block of configuration.data) add(`data.${block.type}.${block.name}`, block.body);
  for (const [name, local] of configuration.locals) add(`local.${name}`, local.value);
  for (const [name, output] of configuration.outputs) add(`output.${name}`, output.body);
  for (const [name, variable] of configuration.variables) add(`var.${name}`, variable.body.validation);
  for (const [name, provider] of configuration.providers) add(`provider.${name}`, provider);
  return found;
}

function dynamicLabels(value, labels = new Set()) {
  if (Array.isArray(value)) value.forEach(v => dynamicLabels(v, labels));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'dynamic') Object.keys(item).forEach(l => labels.add(l));
      dynamicLabels(item, labels);
    }
  }
  return labels;
}

/** Why a reference does not resolve, or null when it does; `self` (a postcondition's) is the block at `where`. */
function unresolved(reference, iterators, where = '') {
  // An instance key (aws_sqs_queue.dead_letter["routing"].arn) comes as a quoted or numeric segment.
  const [head, ...rest] = reference.split('.').filter(segment => !/^("[^"]*"|\d+)$/.test(segment));
  switch (head) {
    case 'var': return configuration.variables.has(rest[0]) ? null : 'no such variable';
    case 'local': return configuration.locals.has(rest[0]) ? null : 'no such local';
    case 'each': return ['key', 'value'].includes(rest[0]) ? null : 'each has only key and value';
    case 'count': return rest[0] === 'index' ? null : 'count has only index';
    case 'path': return ['module', 'root', 'cwd'].includes(rest[0]) ? null : 'unknown path';
    case 'self': {
      const [kind, type] = where.startsWith('data.') ? ['data', where.split('.')[1]] : ['resource', where.split('.')[0]];
      const schema = /\.lifecycle\[\d+\]\.postcondition\[/.test(where) ? schemaOf(kind, type) : null;
      if (!schema) return 'self outside a postcondition';
      return !rest[0] || schema.attributes.has(toCamel(rest[0])) ? null : `no attribute ${rest[0]}`;
    }
    case 'data': {
      const block = configuration.data.find(d => d.type === rest[0] && d.name === rest[1]);
      if (!block) return 'no such data source';
      return !rest[2] || schemaOf('data', rest[0]).attributes.has(toCamel(rest[2])) ? null : `no attribute ${rest[2]}`;
    }
    default: {
      if (iterators.has(head)) return null;
      const block = configuration.resources.find(r => r.type === head && r.name === rest[0]);
      if (!block) return 'no such resource';
      return !rest[1] || schemaOf('resource', head).attributes.has(toCamel(rest[1])) ? null : `no attribute ${rest[1]}`;
    }
  }
}

test('every reference resolves: variables, locals, resources, data sources and their attributes', async () => {
  const iterators = dynamicLabels([...configuration.resources, ...configuration.data].map(b => b.body));
  const problems = [];
  for (const { where, expression } of await allExpressions()) {
    for (const reference of await referencesIn(expression)) {
      const why = unresolved(reference, iterators, where);
      if (why) problems.push(`${where}: ${reference}: ${why}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the reference check finds a misspelt variable, resource and attribute', () => {
  const none = new Set();
  assert.equal(unresolved('var.kinesis_shards', none), 'no such variable');
  assert.equal(unresolved('aws_sns_topic.alert.arn', none), 'no such resource');
  assert.equal(unresolved('aws_sns_topic.alerts.url', none), 'no attribute url');
  assert.equal(unresolved('aws_sns_topic.alerts.arn', none), null);
  assert.equal(unresolved('aws_sqs_queue.dead_letter."routing".urn', none), 'no attribute urn');
  assert.equal(unresolved('self.enable_dns_support', none, 'data.aws_vpc.existing.lifecycle[0].postcondition[0].condition'), null);
  assert.equal(unresolved('self.enable_dns', none, 'data.aws_vpc.existing.lifecycle[0].postcondition[0].condition'), 'no attribute enable_dns');
  assert.equal(unresolved('self.arn', none, 'aws_sns_topic.alerts.policy'), 'self outside a postcondition');
});

test('every variable and local is used', async () => {
  const used = new Set();
  for (const { expression } of await allExpressions()) {
    for (const reference of await referencesIn(expression)) used.add(reference.split('.').slice(0, 2).join('.'));
  }
  const unused = [...[...configuration.variables.keys()].map(n => `var.${n}`), ...[...configuration.locals.keys()].map(n => `local.${n}`)]
    .filter(name => !used.has(name));
  assert.deepEqual(unused, []);
});

/** The dependency graph Terraform builds from references: node → the nodes its expressions name. */
async function dependencyGraph() {
  const graph = new Map();
  const node = (reference) => {
    const parts = reference.split('.').filter(segment => !/^("[^"]*"|\d+)$/.test(segment));
    if (parts[0] === 'data') return `data.${parts[1]}.${parts[2]}`;
    if (parts[0] === 'local' || parts[0] === 'var') return `${parts[0]}.${parts[1]}`;
    return configuration.resources.some(r => r.type === parts[0] && r.name === parts[1]) ? `${parts[0]}.${parts[1]}` : null;
  };
  const add = async (name, value) => {
    const edges = new Set();
    for (const { expression } of expressions(value)) {
      for (const reference of await referencesIn(expression)) {
        const target = node(reference);
        if (target && target !== name) edges.add(target);
      }
    }
    graph.set(name, edges);
  };
  for (const r of configuration.resources) await add(`${r.type}.${r.name}`, r.body);
  for (const d of configuration.data) await add(`data.${d.type}.${d.name}`, d.body);
  for (const [name, local] of configuration.locals) await add(`local.${name}`, local.value);
  return graph;
}

export function findCycle(graph) {
  const state = new Map();
  const visit = (name, path) => {
    if (state.get(name) === 'done') return null;
    if (state.get(name) === 'open') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'open');
    for (const next of graph.get(name) ?? []) {
      const cycle = visit(next, [...path, name]);
      if (cycle) return cycle;
    }
    state.set(name, 'done');
    return null;
  };
  for (const name of graph.keys()) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
  }
  return null;
}

test('the dependency graph has no cycle (Terraform refuses one at plan time)', async () => {
  const graph = await dependencyGraph();
  assert.ok(graph.size > 40);
  assert.equal(findCycle(graph)?.join(' -> ') ?? null, null);
});

test('the cycle check finds a cycle through a local', () => {
  const graph = new Map([['a', new Set(['local.b'])], ['local.b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]);
  assert.deepEqual(findCycle(graph), ['a', 'local.b', 'c', 'a']);
});
