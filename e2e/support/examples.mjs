// The examples under examples/ run as their READMEs say: their own npm dependencies, a plain node process.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './webhooks.mjs';

const examplesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');

/** Starts examples/<name>/<script> with `env` added; its output (stdout and stderr) accumulates in `output()`. */
export async function startExample(name, script, env = {}) {
  const dir = join(examplesDir, name);
  if (!existsSync(join(dir, 'node_modules'))) {
    const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`npm ci in examples/${name} failed: ${install.stderr}`);
  }
  let output = '';
  const child = spawn('node', [script], { cwd: dir, env: { ...process.env, ...env } });
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  return {
    output: () => output,
    /** Resolves once the output contains `text`. */
    printed: (text, timeoutMs = 60_000) => eventually(() => output.includes(text), timeoutMs, 100)
      .catch(() => { throw new Error(`examples/${name} did not print "${text}"; it printed:\n${output}`); }),
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}
