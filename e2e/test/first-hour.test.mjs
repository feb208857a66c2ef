// The first hour of a new user, read from what `./platform up` printed: the suite starts its stack through
// the same function `up` uses and keeps that output ($PJ_UP_LOG). Its steps carry the elapsed time, the
// secrets are owner-only, the printout's walk-through runs as pasted (with `./platform receiver` printing
// the verified webhooks it causes), and a second `up` skips what is done.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../support/webhooks.mjs';

const upLog = process.env.PJ_UP_LOG;
const stateDir = process.env.PJ_STATE_DIR;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const needsUpLog = !(upLog && stateDir) && 'needs PJ_UP_LOG and PJ_STATE_DIR (run through ./platform test)';

const lines = (text) => text.split('\n');
const step = /^\[(\d+):(\d\d) ([\w.-]+)\] (.*)$/;

let output;
let receiver;
let receiverOutput = '';

/** The printout's walk-through: the lines between the two "----" markers. */
function walkThrough(text) {
  const all = lines(text);
  const start = all.indexOf('----');
  const end = all.indexOf('----', start + 1);
  assert.ok(start >= 0 && end > start, 'the printout has a walk-through between ---- lines');
  return all.slice(start + 1, end).join('\n');
}

before(() => {
  if (needsUpLog) return;
  output = readFileSync(upLog, 'utf8');
});

after(() => receiver?.kill());

test('up says what it does at every step, with the time since it began', { skip: needsUpLog }, () => {
  const steps = lines(output).filter((line) => step.test(line)).map((line) => line.match(step)[4]);
  const order = ['step 1/4: infrastructure', 'step 2/4: build', 'step 3/4: start', 'step 4/4: first tenant', 'up in'];
  let at = -1;
  for (const expected of order) {
    const index = steps.findIndex((text, i) => i > at && text.startsWith(expected));
    assert.ok(index > at, `"${expected}" follows the earlier steps in:\n${steps.join('\n')}`);
    at = index;
  }
  for (const service of ['provider-simulator', 'api-gateway', 'run-executor', 'webhook-dispatcher', 'knowledge-ingest']) {
    assert.ok(steps.includes(`${service} ready`), `${service} reported ready`);
  }
  // The suite's Maven phase built the packages from these very sources: up's build step sees its stamp.
  assert.ok(steps.includes('build: the packages are up to date with the sources (skipped)'));
  assert.match(output, /^The platform is up\.$/m);
});

test('the first key and the stack\'s secrets are readable by their owner only', { skip: needsUpLog }, () => {
  const key = output.match(/^ {2}API key: +(pj_\S+)/m)?.[1];
  assert.ok(key, 'the printout shows the API key');
  assert.equal(readFileSync(join(stateDir, 'first-api-key'), 'utf8').trim(), key);
  for (const file of ['first-api-key', 'bootstrap-token', 'secrets-key', 'receiver-secrets', 'up.log']) {
    assert.equal(statSync(join(stateDir, file)).mode & 0o777, 0o600, file);
  }
});

test('the walk-through runs as pasted: a run, its verified webhook, a document and a search', { skip: needsUpLog, timeout: 180_000 }, async () => {
  receiver = spawn('bash', [join(repoRoot, 'platform'), 'receiver'], { env: process.env });
  receiver.stdout.on('data', (chunk) => { receiverOutput += chunk; });
  receiver.stderr.on('data', (chunk) => { receiverOutput += chunk; });
  await eventually(() => receiverOutput.includes('webhook receiver on'), 60_000, 100);

  const script = walkThrough(output);
  const result = spawnSync('bash', ['-e', '-c', script], { encoding: 'utf8', timeout: 150_000 });
  assert.equal(result.status, 0, `walk-through failed:\n${result.stdout}\n${result.stderr}`);
  const runId = result.stdout.match(/^run ([0-9a-f-]{36})$/m)?.[1];
  const documentId = result.stdout.match(/^document ([0-9a-f-]{36})$/m)?.[1];
  assert.ok(runId && documentId, result.stdout);
  const printed = lines(result.stdout).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
  const run = printed.find((body) => body.id === runId);
  assert.equal(run.status, 'completed');
  assert.equal(run.output, '[simulated gpt-5.5] Say hello to Ada');
  assert.equal(printed.find((body) => body.id === documentId && body.fileName).status, 'ready');
  const search = printed.find((body) => body.results);
  assert.equal(search.results[0].documentId, documentId);
  assert.match(search.results[0].content, /Refunds are paid within 14 days/);

  const expected = [`verified promptrun.finished ${runId} status=completed`,
    `verified knowledgedocument.finished ${documentId} status=ready`];
  await eventually(() => expected.every((line) => receiverOutput.includes(line)), 60_000, 200)
    .catch(() => assert.fail(`the receiver printed:\n${receiverOutput}\nexpected lines with:\n${expected.join('\n')}`));
  assert.doesNotMatch(receiverOutput, /rejected/);
});

test('a second up skips what is already done and prints the same key', { skip: needsUpLog, timeout: 120_000 }, () => {
  const again = spawnSync('bash', [join(repoRoot, 'platform'), 'up'], { encoding: 'utf8', env: process.env });
  assert.equal(again.status, 0, again.stdout + again.stderr);
  const text = again.stdout;
  assert.match(text, /Kafka jars: already fetched/);
  assert.match(text, /kafka already running/);
  assert.match(text, /postgres already running/);
  assert.match(text, /build: the packages are up to date with the sources \(skipped\)/);
  for (const service of ['provider-simulator', 'api-gateway', 'run-executor', 'webhook-dispatcher', 'knowledge-ingest']) {
    assert.match(text, new RegExp(`${service} already running`));
  }
  assert.match(text, /first API key: kept from an earlier run/);
  assert.equal(text.match(/^ {2}API key: +(pj_\S+)/m)[1], output.match(/^ {2}API key: +(pj_\S+)/m)[1]);
});
