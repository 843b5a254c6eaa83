// Terraform's variable defaults and the string locals of infra/, as JSON, for the C# test that ties the local
// twin's settings to them (tests/Paywatch.Infra.Tests/TwinSettingsTests.cs).
import { fileURLToPath } from 'node:url';
import { loadConfiguration } from './terraform.mjs';

export async function terraformSettings() {
  const configuration = await loadConfiguration();
  const variables = Object.fromEntries([...configuration.variables].map(([name, { body }]) => [name, body.default ?? null]));
  const locals = Object.fromEntries([...configuration.locals].filter(([, { value }]) => typeof value === 'string').map(([name, { value }]) => [name, value]));
  const templateValues = [...configuration.locals].find(([name]) => name === 'template_values')?.[1].value ?? {};
  return { variables, locals, template_values: Object.keys(templateValues).sort() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await terraformSettings()));
}
