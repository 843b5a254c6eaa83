// The Terraform configuration in infra/, parsed with HashiCorp's own HCL parser (@cdktf/hcl2json, the Go
// hcl library compiled to WebAssembly) into Terraform's JSON syntax: blocks become arrays of objects,
// expressions become "${...}" strings.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, getReferencesInExpression } from '@cdktf/hcl2json';

export const infraDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const repositoryRoot = path.resolve(infraDir, '..');
export const configDir = path.join(repositoryRoot, 'config');

export const terraformFiles = () => readdirSync(infraDir).filter(f => f.endsWith('.tf')).sort();

/** Every .tf file of infra/, parsed: `{ files: Map<name, json>, resources, data, variables, locals, outputs }`. */
export async function loadConfiguration(dir = infraDir) {
  const files = new Map();
  for (const name of readdirSync(dir).filter(f => f.endsWith('.tf')).sort()) {
    files.set(name, await parse(name, readFileSync(path.join(dir, name), 'utf8')));
  }
  const blocks = (kind) => {
    const found = [];
    for (const [file, json] of files) {
      for (const [type, byName] of Object.entries(json[kind] ?? {})) {
        for (const [name, bodies] of Object.entries(byName)) {
          found.push({ file, type, name, body: bodies[0] });
        }
      }
    }
    return found;
  };
  const named = (kind) => {
    const found = new Map();
    for (const [file, json] of files) {
      for (const [name, bodies] of Object.entries(json[kind] ?? {})) {
        found.set(name, { file, body: bodies[0] });
      }
    }
    return found;
  };
  const locals = new Map();
  for (const [file, json] of files) {
    for (const block of json.locals ?? []) {
      for (const [name, value] of Object.entries(block)) {
        locals.set(name, { file, value });
      }
    }
  }
  return {
    files,
    resources: blocks('resource'),
    data: blocks('data'),
    variables: named('variable'),
    outputs: named('output'),
    locals,
    terraform: [...files.values()].flatMap(json => json.terraform ?? []),
    providers: [...files.values()].flatMap(json => Object.entries(json.provider ?? {})),
  };
}

/** The resource (or data source, with kind 'data') `type.name`; throws when there is none. */
export function find(configuration, type, name, kind = 'resource') {
  const found = (kind === 'data' ? configuration.data : configuration.resources).find(r => r.type === type && r.name === name);
  if (!found) {
    throw new Error(`no ${kind} ${type}.${name}`);
  }
  return found;
}

/** Every expression string in a value (nested objects and arrays included), with its path. */
export function* expressions(value, at = '') {
  if (typeof value === 'string') {
    if (value.includes('${')) {
      yield { at, expression: value };
    }
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      yield* expressions(item, `${at}[${i}]`);
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      yield* expressions(item, at ? `${at}.${key}` : key);
    }
  }
}

/** The references (var.x, local.y, aws_z.n.attr, data.t.n.attr, each.key, ...) an expression makes. */
export async function referencesIn(expression) {
  return (await getReferencesInExpression('main.tf', requote(expression))).map(r => r.value);
}

// hcl2json gives template strings unescaped (`service("${x}")`); the expression parser wants them as HCL
// source, so quotes and backslashes outside the interpolations are escaped again.
function requote(template) {
  let depth = 0;
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (depth === 0 && c === '$' && template[i + 1] === '{') {
      depth = 1;
      out += '${';
      i++;
    } else if (depth > 0) {
      depth += c === '{' ? 1 : c === '}' ? -1 : 0;
      out += c;
    } else {
      out += c === '"' || c === '\\' ? `\\${c}` : c;
    }
  }
  return out;
}

/** The statements of an aws_iam_policy_document data source, as written. */
export function statementsOf(configuration, documentName) {
  return find(configuration, 'aws_iam_policy_document', documentName, 'data').body.statement ?? [];
}
