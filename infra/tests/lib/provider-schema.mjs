// The pinned AWS provider's schema, read from the type definitions of @cdktf/provider-aws. Each generated
// `lib/<type>/index.d.ts` declares the resource's config interface: one `readonly` property per argument
// (optional when marked `?`), a doc comment linking to the argument's registry page
// (`.../docs/resources/<type>#<argument>`), and an interface of its own for each nested block.
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const packageRoot = path.dirname(require.resolve('@cdktf/provider-aws/package.json'));

/** The provider the package was generated from: `{ name, version }`, e.g. hashicorp/aws 6.25.0. */
export function providerVersion() {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8'));
  return manifest.cdktf.provider;
}

const cache = new Map();

/**
 * The schema of a resource (`kind` = 'resource') or data source ('data') type, or null when the provider has
 * no such type: `{ arguments: Map<name, { required, block }>, attributes: Set<camelName>, docs }` where a
 * block is itself `{ arguments, ... }`.
 */
export function schemaOf(kind, type) {
  const key = `${kind}:${type}`;
  if (!cache.has(key)) {
    cache.set(key, readSchema(kind, type));
  }
  return cache.get(key);
}

function readSchema(kind, type) {
  const folder = kind === 'data' ? `data-${type.replaceAll('_', '-')}` : type.replace(/^aws_/, '').replaceAll('_', '-');
  const file = path.join(packageRoot, 'lib', folder, 'index.d.ts');
  if (!existsSync(file)) {
    return null;
  }
  const text = readFileSync(file, 'utf8');
  const interfaces = new Map();
  for (const match of text.matchAll(/export interface (\w+)(?: extends ([\w.]+))? \{([\s\S]*?)\n\}/g)) {
    interfaces.set(match[1], { base: match[2], body: match[3] });
  }
  const config = [...interfaces].find(([, value]) => value.base === 'cdktf.TerraformMetaArguments');
  if (!config) {
    throw new Error(`${file}: no config interface`);
  }
  const docsKind = kind === 'data' ? 'data-sources' : 'resources';
  const docsType = type.replace(/^aws_/, '');
  const block = (name, seen) => {
    const members = new Map();
    const body = interfaces.get(name).body;
    for (const m of body.matchAll(/\/\*\*([\s\S]*?)\*\/\s*readonly (\w+)(\??): ([^;]+);/g)) {
      const [, comment, camel, optional, typeText] = m;
      const anchor = comment.match(new RegExp(`/docs/${docsKind}/${docsType}#(\\w+) `));
      const argument = anchor ? anchor[1] : toSnake(camel);
      const nested = /^\s*\* \w+ block\s*$/m.test(comment)
        ? [...typeText.matchAll(/\b([A-Z]\w+)\b/g)].map(t => t[1]).find(t => interfaces.has(t) && !seen.has(t))
        : undefined;
      members.set(argument, {
        required: optional !== '?',
        block: nested ? block(nested, new Set([...seen, nested])) : null,
      });
    }
    return { arguments: members };
  };
  const schema = block(config[0], new Set([config[0]]));
  const classBody = text.match(/export declare class \w+ extends cdktf\.Terraform(?:Resource|DataSource) \{([\s\S]*?)\n\}/);
  schema.attributes = new Set(classBody ? [...classBody[1].matchAll(/\bget (\w+)\(\)/g)].map(g => g[1]) : []);
  schema.docs = `https://registry.terraform.io/providers/hashicorp/aws/${providerVersion().version}/docs/${docsKind}/${docsType}`;
  return schema;
}

export function toSnake(camel) {
  return camel.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`);
}

export function toCamel(snake) {
  return snake.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}
