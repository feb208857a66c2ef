// Control over the local stack's service processes (kill -9, start again with other settings) and a look at
// its database, for the tests that crash a service on purpose. Both need the stack's state dir.
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './webhooks.mjs';

const stateDir = process.env.PJ_STATE_DIR;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Whether the tests may stop and start the stack's services (they need its state dir). */
export const servicesControllable = Boolean(stateDir);

/**
 * Kills a service of the local stack (its directory name, or a further replica's name such as run-executor-2)
 * without warning, as a crash or an OOM kill would.
 */
export function killService(name) {
  const pid = replicaPid(name);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return Promise.resolve(true); // already gone
  }
  return eventually(() => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }, 30_000, 100);
}

/**
 * Starts whatever of the stack is not running, with `env` added to the environment, and waits until it is
 * ready. Keys set to undefined are removed.
 */
export function startServicesWith(env = {}) {
  const merged = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete merged[name];
  const result = spawnSync('bash', [join(repoRoot, 'deploy', 'local', 'services.sh'), 'start'], { encoding: 'utf8', env: merged });
  if (result.status !== 0) throw new Error(`services.sh start failed: ${result.stdout}${result.stderr}`);
}

/**
 * Runs deploy/local/services.sh with `args` (e.g. ['start'], ['stop', 'run-executor-3']) and `env` added to the
 * environment (keys set to undefined are removed), without blocking the test's event loop: the receivers and
 * providers the test serves keep answering meanwhile.
 */
export function services(args, env = {}) {
  const merged = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete merged[name];
  return new Promise((resolve, reject) => {
    execFile('bash', [join(repoRoot, 'deploy', 'local', 'services.sh'), ...args], { env: merged }, (error, stdout, stderr) => {
      if (error) reject(new Error(`services.sh ${args.join(' ')} failed: ${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The process id of a running replica (run-executor, run-executor-2, …: deploy/local/services.sh). */
export function replicaPid(name) {
  return Number(readFileSync(join(stateDir, 'services', `${name}.pid`), 'utf8').trim());
}

/**
 * Runs one query on the stack's PostgreSQL with psql (as the services' user, settings of deploy/local/env.sh)
 * and returns its rows, each an array of column values as text.
 */
export function sql(query) {
  const result = spawnSync('psql', ['-h', '127.0.0.1', '-p', process.env.PJ_PG_PORT ?? '15432',
    '-U', process.env.PJ_PG_USER ?? 'pj', '-d', process.env.PJ_PG_DATABASE ?? 'promptjuggler',
    '-X', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', query],
  { encoding: 'utf8', env: { ...process.env, PGPASSWORD: process.env.PJ_PG_PASSWORD ?? 'pj' } });
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
  return result.stdout.split('\n').filter((line) => line !== '').map((line) => line.split('\t'));
}
