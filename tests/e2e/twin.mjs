// Starts `paywatch up` (the built CLI) in a fresh data folder on a free port, and stops it.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repositoryRoot, 'src/Paywatch.Cli/bin/Debug/net10.0/paywatch.dll');

/** Runs `paywatch` to completion (e.g. `query`); its stdout. */
export function paywatch(...args) {
  return execFileSync('dotnet', [cli, ...args], { encoding: 'utf8' });
}

/** Starts the twin; resolves once it prints its endpoint. */
export async function startTwin(...args) {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build the solution first (./test.sh does)`);
  const data = mkdtempSync(path.join(tmpdir(), 'paywatch-e2e-'));
  // PAYWATCH_API_CONFORMANCE=strict: every response is held to its operation's output shape (the conformance test).
  const child = spawn('dotnet', [cli, 'up', '--port', '0', '--data', data, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PAYWATCH_API_CONFORMANCE: 'strict' },
  });
  let output = '';
  child.stderr.on('data', chunk => { output += chunk; });
  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the twin did not start in 60 s:\n${output}`)), 60_000);
    child.stdout.on('data', chunk => {
      output += chunk;
      const match = output.match(/endpoint\s+(http:\/\/127\.0\.0\.1:\d+)/);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.on('exit', code => { clearTimeout(timer); reject(new Error(`the twin exited with ${code}:\n${output}`)); });
  });
  return {
    endpoint,
    data,
    output: () => output,
    async stop() {
      const exited = new Promise(resolve => child.on('exit', resolve));
      child.kill('SIGTERM');
      const code = await exited;
      rmSync(data, { recursive: true, force: true });
      return code;
    },
  };
}

/** Waits until `probe` returns a truthy value (polled), or fails with `what` after `ms`. */
export async function eventually(what, probe, ms = 30_000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/**
 * Credentials and region for the SDK clients: the twin checks no signature, but the SDK signs. The clients are
 * otherwise unmodified: the Kinesis client's default handler speaks cleartext HTTP/2, the others HTTP/1.1.
 */
export const clientConfig = (endpoint) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'paywatch-e2e', secretAccessKey: 'paywatch-e2e' },
});
