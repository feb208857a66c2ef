// A client generated from the committed OpenAPI document works: openapi-typescript turns docs/openapi.yaml into
// types, the TypeScript compiler checks openapi-client/client.ts against them (strict), and the compiled client
// (openapi-fetch) publishes a prompt, runs it, reads the run and an error from the running gateway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatewayUrl, newTenant } from '../support/platform.mjs';

const e2eDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const clientDir = join(e2eDir, 'openapi-client');

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: e2eDir, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

test('a TypeScript client generated from docs/openapi.yaml type-checks and calls the gateway', { timeout: 180_000 }, async () => {
  run(join(e2eDir, 'node_modules', '.bin', 'openapi-typescript'),
    [join(e2eDir, '..', 'docs', 'openapi.yaml'), '-o', join(clientDir, 'api.d.ts')]);
  run(join(e2eDir, 'node_modules', '.bin', 'tsc'), ['-p', join(clientDir, 'tsconfig.json')]);

  const key = await newTenant('e2e generated client');
  const output = run('node', [join(clientDir, 'dist', 'client.js')], { PJ_GATEWAY_URL: gatewayUrl, PJ_API_KEY: key });
  const result = JSON.parse(output.trim().split('\n').at(-1));
  assert.match(result.slug, /^pr_generated_client_\d+$/);
  assert.equal(result.version, 1);
  assert.equal(result.status, 'completed');
  assert.equal(result.output, '[simulated gpt-5.5] Hello Ada');
  assert.equal(result.missingStatus, 404);
  assert.match(result.error, /not found/);
});
