// infra/variables.tf's defaults and terraform.tfvars.example's assignments, parsed by HashiCorp's parser, as JSON: what
// Paywatch.Cost's own HCL reader must read the same (tests/Paywatch.Infra.Tests/HclReaderTests.cs).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';
import { infraDir } from './terraform.mjs';
import { terraformSettings } from './settings.mjs';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { variables } = await terraformSettings();
  const tfvars = await parse('terraform.tfvars.example', readFileSync(path.join(infraDir, 'terraform.tfvars.example'), 'utf8'));
  console.log(JSON.stringify({ variables, tfvars }));
}
