// The config/ files Terraform reads, found from the locals in infra/main.tf: each `fileset(dir, pattern)` is
// evaluated against config/ (with the `if !endswith(...)` filter of its for expression), each fixed
// `file(...)`/`templatefile(...)` path taken as written. Printed as JSON (paths relative to config/) when run
// directly; the C# tests compare it with what the local twin loads.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfiguration, configDir } from './terraform.mjs';

const globToRegex = (glob) => new RegExp(`^${glob.replace(/[.+^$()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*')}$`);

export async function terraformConfigSet() {
  const configuration = await loadConfiguration();
  const set = {};
  for (const [name, { value }] of configuration.locals) {
    if (typeof value !== 'string' || !value.includes('local.config_dir')) continue;
    const files = [];
    const fileset = value.match(/fileset\("\$\{local\.config_dir\}\/([\w/]+)", "([^"]+)"\)/);
    if (fileset) {
      const [, folder, glob] = fileset;
      const excluded = [...value.matchAll(/if !endswith\(\w+, "([^"]+)"\)/g)].map(m => m[1]);
      for (const file of readdirSync(path.join(configDir, folder)).sort()) {
        if (globToRegex(glob).test(file) && !excluded.some(suffix => file.endsWith(suffix))) files.push(`${folder}/${file}`);
      }
    } else {
      for (const m of value.matchAll(/(?:templatefile|file)\("\$\{local\.config_dir\}\/([\w./-]+)"/g)) files.push(m[1]);
    }
    if (files.length) set[name] = files;
  }
  return set;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await terraformConfigSet())}\n`);
}
