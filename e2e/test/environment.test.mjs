// Environment variables through the whole platform: stored ones matched by environment glob, per-run
// envVars winning over them, ${VAR} in templates, the provider key taken from the run's variables; and
// no secret value in Kafka's data or in any service's log, whose lines (JSON in the suite, as in production) name
// the run they were written for.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PromptJuggler } from '@promptjuggler/sdk';
import { eventually, manage } from '../support/webhooks.mjs';
import { gatewayUrl, newTenant, publishPrompt, untilFinished } from '../support/platform.mjs';

const stateDir = process.env.PJ_STATE_DIR;
const simulatorUrl = `http://127.0.0.1:${process.env.PJ_SIMULATOR_PORT ?? 18090}`;
const needsStack = !stateDir && 'needs PJ_STATE_DIR (run through ./platform test)';
const needsJsonLogs = needsStack || (process.env.QUARKUS_LOG_CONSOLE_JSON_ENABLED !== 'true'
  && 'needs the services to log JSON (./platform test exports QUARKUS_LOG_CONSOLE_JSON_ENABLED=true)');
const SERVICE_LOG = /(api-gateway|run-executor|webhook-dispatcher|knowledge-ingest)[^/]*\.log$/;

const storedSecret = `sk-stored-${randomUUID()}`;
const perRunSecret = `tok-run-${randomUUID()}`;
let key;
let client;
let prompt;
let missingVariableRun;

const finished = (id) => untilFinished((runId) => client.getPromptRun(runId), id);

async function putVariable(name, value, environment) {
  const { status } = await manage(key, 'PUT', `/manage/v1/environment-variables/${name}`, { value, environment });
  assert.equal(status, 200);
}

function keyCalls(apiKey) {
  const fingerprint = createHash('sha256').update(apiKey).digest('hex').slice(0, 12);
  return fetch(`${simulatorUrl}/__simulator/calls`).then((r) => r.json()).then((calls) => calls.byKey[fingerprint] ?? 0);
}

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function pendingEnvVarRows(runId) {
  return Number(execFileSync('psql', ['-h', '127.0.0.1', '-p', process.env.PJ_PG_PORT, '-U', process.env.PJ_PG_USER ?? 'pj',
    '-d', process.env.PJ_PG_DATABASE ?? 'promptjuggler', '-Atc', `SELECT count(*) FROM gateway.run_env_vars WHERE run_id = '${runId}'`],
  { env: { ...process.env, PGPASSWORD: process.env.PJ_PG_PASSWORD ?? 'pj' } }).toString().trim());
}

before(async () => {
  key = await newTenant('e2e environment');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  await putVariable('SALUTATION', 'Hello');
  await putVariable('SALUTATION', 'Bonjour', 'eu-*');
  await putVariable('OPENAI_API_KEY', storedSecret, 'prod*');
  prompt = await publishPrompt(key, 'Environment', {
    provider: 'openai',
    model: 'gpt-5.5',
    systemInstruction: 'Internal token: ${INTERNAL_TOKEN}',
    messages: [{ role: 'user', content: '${SALUTATION} {{name}}' }],
  });
});

test('stored variables match by environment glob, per-run envVars win, and the provider key comes from them',
  { skip: needsStack }, async () => {
    const callsBefore = await keyCalls(storedSecret);

    const eu = await client.runPrompt(prompt.slug, prompt.version, { name: 'Ada' },
      { environment: 'eu-west', envVars: { INTERNAL_TOKEN: perRunSecret } });
    assert.equal((await finished(eu.id)).output, '[simulated gpt-5.5] Bonjour Ada');
    assert.equal(await keyCalls(storedSecret), callsBefore, 'prod* key is not used outside prod*');

    const prod = await client.runPrompt(prompt.slug, prompt.version, { name: 'Ada' },
      { environment: 'production', envVars: { INTERNAL_TOKEN: perRunSecret, SALUTATION: 'Hi' } });
    assert.equal((await finished(prod.id)).output, '[simulated gpt-5.5] Hi Ada');
    assert.equal(await keyCalls(storedSecret), callsBefore + 1, 'the prod* OPENAI_API_KEY reached the provider');

    // The gateway erases an ended run's envVars on its next pass (gateway.run-env-vars.erase-every).
    await eventually(() => pendingEnvVarRows(eu.id) === 0 && pendingEnvVarRows(prod.id) === 0, 30_000);
    assert.equal(pendingEnvVarRows(eu.id), 0, 'per-run envVars are purged when the run ends');
    assert.equal(pendingEnvVarRows(prod.id), 0);
  });

test('a template naming a variable the run does not have fails the run, naming the variable', async () => {
  const { id } = await client.runPrompt(prompt.slug, prompt.version, { name: 'Ada' });
  missingVariableRun = id;
  const run = await finished(id);
  assert.equal(run.status, 'failed');
  assert.equal(run.error, 'environment variable INTERNAL_TOKEN is not set for this run\'s environment');
});

test('no secret value appears in Kafka\'s data or in any log', { skip: needsStack }, async () => {
  const places = [...filesUnder(join(stateDir, 'kafka')), ...filesUnder(join(stateDir, 'logs'))];
  assert.ok(places.some((path) => path.endsWith('.log') && path.includes('runs.normal')), 'Kafka segments are searched');
  for (const path of places) {
    const content = readFileSync(path).toString('latin1');
    for (const secret of [storedSecret, perRunSecret]) {
      assert.ok(!content.includes(secret), `${secret} found in ${path}`);
    }
  }
});

test('service logs are JSON lines, and those written for a run carry its tenant and run id', { skip: needsJsonLogs }, () => {
  const logs = filesUnder(join(stateDir, 'logs')).filter((path) => SERVICE_LOG.test(path));
  assert.equal(new Set(logs.map((path) => SERVICE_LOG.exec(path)[1])).size, 4, `every service's log: ${logs}`);
  const lines = [];
  for (const path of logs) {
    for (const line of readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '')) {
      let entry;
      // The JVM's own warnings (before logging starts) are not Quarkus' lines.
      if (!line.startsWith('{')) continue;
      assert.doesNotThrow(() => { entry = JSON.parse(line); }, `${path}: not JSON: ${line.slice(0, 200)}`);
      lines.push(entry);
      const decoded = JSON.stringify(entry);
      for (const secret of [storedSecret, perRunSecret]) assert.ok(!decoded.includes(secret), `${secret} logged in ${path}`);
    }
  }
  assert.ok(missingVariableRun, 'the failed run of the earlier test');
  const runLines = lines.filter((entry) => entry.message?.includes(missingVariableRun));
  assert.ok(runLines.length > 0, `run-executor logged the failure of ${missingVariableRun}`);
  for (const entry of runLines.filter((e) => e.loggerName?.startsWith('dev.promptjuggler.executor'))) {
    assert.equal(entry.mdc?.runId, missingVariableRun, JSON.stringify(entry));
    assert.match(entry.mdc?.tenantId ?? '', /^[0-9a-f-]{36}$/, JSON.stringify(entry));
  }
});
