// Real runs, streamed by run-executor from the provider simulator, followed with @promptjuggler/browser in Node: a
// provider stream broken off mid-answer and retried shows as a reset and a clean second attempt, the emit tool's
// payload arrives as the SDK's data, and every credential the stream must refuse is refused with {"error"}.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, PromptJuggler } from '@promptjuggler/sdk';
import { PromptJugglerStream } from '@promptjuggler/browser';
import { gatewayUrl, newTenant, publishPrompt, untilFinished } from '../support/platform.mjs';
import { eventually } from '../support/webhooks.mjs';

const simulatorUrl = `http://127.0.0.1:${process.env.PJ_SIMULATOR_PORT ?? 18090}`;
const stateDir = process.env.PJ_STATE_DIR;

let client;
let key;
let prompt;
const streams = [];

before(async () => {
  key = await newTenant('e2e stream runs');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  prompt = await publishPrompt(key, 'Streamed runs', {
    provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content: '{{text}}' }],
    tools: [{ type: 'emit', name: 'card', description: 'Show a card', failFast: false,
      paramsSchema: JSON.stringify({ type: 'object', properties: { title: { type: 'string' } } }) }],
  });
});

after(() => streams.forEach((stream) => stream.disconnect()));

/** The SDK following `thread`, recording what it hands the application, per run. */
async function follow(thread) {
  const seen = { connected: false, resets: [], tokens: [], texts: new Map(), data: new Map(), done: new Map(), gaps: 0 };
  const stream = new PromptJugglerStream({ getToken: () => client.createStreamToken(thread) });
  stream.on('connected', () => { seen.connected = true; });
  stream.on('reset', (event) => seen.resets.push(event));
  stream.on('token', (event) => seen.tokens.push(event));
  stream.on('text', ({ runId, text }) => seen.texts.set(runId, text));
  stream.on('data', ({ runId, data }) => seen.data.set(runId, data));
  stream.on('done', ({ runId, gapped }) => seen.done.set(runId, gapped));
  stream.on('gap', () => { seen.gaps += 1; });
  streams.push(stream);
  stream.connect();
  await eventually(() => seen.connected, 30_000, 50);
  return seen;
}

async function runOn(thread, text) {
  const { id } = await client.runPrompt(prompt.slug, prompt.version, { text }, { thread, priority: 'onsite' });
  return id;
}

test('a provider stream broken off mid-answer is retried: the SDK sees a reset and the second attempt whole', async () => {
  const text = `a stream broken off ${randomUUID()} and then told again in full`;
  const scripted = await fetch(`${simulatorUrl}/__simulator/failures`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ contains: text, responses: [{ status: 500, cutAfterChunks: 4 }] }),
  });
  assert.ok(scripted.ok, `the simulator took the script (${scripted.status})`);
  const thread = randomUUID();
  const seen = await follow(thread);

  const id = await runOn(thread, text);
  await eventually(() => seen.done.has(id), 60_000, 50);
  const run = await untilFinished((runId) => client.getPromptRun(runId), id);

  assert.equal(run.status, 'completed');
  const resets = seen.resets.filter((r) => r.runId === id);
  assert.equal(resets.length, 2, 'one reset per attempt');
  const tokens = seen.tokens.filter((t) => t.runId === id);
  const secondAttempt = tokens.slice(tokens.findLastIndex((t) => t.seq === 1));
  assert.ok(tokens.length > secondAttempt.length, 'the first attempt streamed before it broke off');
  assert.deepEqual(secondAttempt.map((t) => t.seq), secondAttempt.map((_, i) => i + 1));
  assert.equal(secondAttempt.map((t) => t.text).join(''), run.output);
  assert.equal(seen.texts.get(id), run.output, 'the text shown is the second attempt alone');
  assert.equal(seen.done.get(id), false);
  assert.equal(seen.gaps, 0);
});

test('the emit tool streams its payload as the SDK\'s data, then the answer', async () => {
  const thread = randomUUID();
  const seen = await follow(thread);

  const id = await runOn(thread, 'Show it @tool card {"title": "Paris"}');
  await eventually(() => seen.done.has(id), 60_000, 50);
  const run = await untilFinished((runId) => client.getPromptRun(runId), id);

  assert.equal(run.status, 'completed');
  assert.deepEqual(seen.data.get(id), [{ tool: 'card', payload: { title: 'Paris' } }]);
  assert.deepEqual(run.emitted.map(({ tool, payload }) => ({ tool, payload })), [{ tool: 'card', payload: { title: 'Paris' } }]);
  assert.equal(seen.texts.get(id), run.output);
});

/** GET the stream with this Authorization header: the status and the body, read whole (nothing is streamed). */
async function open(thread, authorization) {
  const response = await fetch(`${gatewayUrl}/api/v1/threads/${thread}/stream`,
    { headers: authorization ? { Authorization: authorization } : {} });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

function refused(answer, status) {
  assert.equal(answer.status, status, answer.body);
  assert.match(answer.type, /^application\/json/);
  assert.equal(typeof JSON.parse(answer.body).error, 'string');
}

/** A JWT with its payload changed by `change`, signed with `secret` (or keeping its old signature without one). */
function reworked(token, change, secret) {
  const [header, payload, signature] = token.split('.');
  const claims = change(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  const body = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${secret ? createHmac('sha256', secret).update(body).digest('base64url') : signature}`;
}

test('every credential the stream must refuse: 401 or 403 with {"error"}, and a stream token is no API key', async () => {
  const thread = randomUUID();
  await untilFinished((runId) => client.getPromptRun(runId), await runOn(thread, 'a thread of ours'));
  const { token } = await client.createStreamToken(thread);
  refused(await open(thread), 401);
  refused(await open(thread, `Bearer ${key}`), 401);
  refused(await open(thread, `Bearer ${reworked(token, (claims) => ({ ...claims, sub: randomUUID() }))}`), 401);
  refused(await open(thread, `Bearer ${(await client.createStreamToken(randomUUID())).token}`), 403);
  const stranger = new PromptJuggler(await newTenant('e2e stream stranger'), { baseUrl: gatewayUrl });
  // Our thread exists, so another tenant cannot even mint a token for it.
  await assert.rejects(stranger.createStreamToken(thread), (e) => e instanceof ApiError && e.statusCode === 404);
  if (stateDir) {
    const secret = Buffer.from(readFileSync(join(stateDir, 'stream-signing-key'), 'utf8').trim(), 'base64');
    const now = Math.floor(Date.now() / 1000);
    refused(await open(thread, `Bearer ${reworked(token, (claims) => ({ ...claims, iat: now - 700, exp: now - 100 }), secret)}`), 401);
    // A token of another tenant, well signed, for our thread: the thread is not theirs.
    refused(await open(thread, `Bearer ${reworked(token, (claims) => ({ ...claims, tenant: randomUUID() }), secret)}`), 403);
    // Our own claims re-signed with the same key are accepted: the refusals above are about the claims alone.
    const own = await fetch(`${gatewayUrl}/api/v1/threads/${thread}/stream`,
      { headers: { Authorization: `Bearer ${reworked(token, (claims) => claims, secret)}` } });
    assert.equal(own.status, 200);
    await own.body.cancel();
  }
  const asKey = new PromptJuggler(token, { baseUrl: gatewayUrl });
  await assert.rejects(asKey.createStreamToken(thread), (e) => e instanceof ApiError && e.statusCode === 401);
});
