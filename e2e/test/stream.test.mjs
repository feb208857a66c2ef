// The threads' live streams with the official SDKs: a stream token from @promptjuggler/sdk's createStreamToken,
// followed by @promptjuggler/browser's PromptJugglerStream (in Node, which has the fetch and streams it uses).
// The frames are published to runs.stream by the test itself, as run-executor publishes them, so these tests
// prove the gateway's side alone: a reconnect resumes with Last-Event-ID and neither loses nor repeats a token,
// also across a gateway killed with kill -9 and started again, and across a gateway stopping (which asks its
// clients to reconnect). stream-browser.test.mjs follows real runs in a real browser.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PromptJuggler } from '@promptjuggler/sdk';
import { PromptJugglerStream } from '@promptjuggler/browser';
import { gatewayUrl } from '../support/platform.mjs';
import { eventually } from '../support/webhooks.mjs';
import { killService, services, servicesControllable } from '../support/services.mjs';
import { framePublisher, newTenantWithId, runFrames } from '../support/streams.mjs';

let tenant;
let client;
let frames;

before(async () => {
  tenant = await newTenantWithId('e2e streams');
  client = new PromptJuggler(tenant.key, { baseUrl: gatewayUrl });
  frames = await framePublisher();
});

after(async () => {
  await frames?.close();
});

/** A subscription of the browser SDK to a thread, recording what it hands the application. */
function follow(thread, options = {}) {
  const seen = { tokens: [], texts: new Map(), done: new Map(), stale: 0, gaps: 0, connects: 0, disconnects: [] };
  const stream = new PromptJugglerStream({
    // The backend's part, done here with the API key: a fresh token on every (re)connect.
    getToken: () => client.createStreamToken(thread),
    reconnectDelayMs: { min: 200, max: 1000 },
    ...options,
  });
  stream.on('token', (event) => seen.tokens.push(event));
  stream.on('text', ({ runId, text }) => seen.texts.set(runId, text));
  stream.on('done', ({ runId, gapped }) => seen.done.set(runId, gapped));
  stream.on('stale', () => { seen.stale += 1; });
  stream.on('gap', () => { seen.gaps += 1; });
  stream.on('connected', () => { seen.connects += 1; });
  stream.on('disconnected', ({ reason }) => seen.disconnects.push(reason));
  stream.connect();
  return { stream, seen };
}

const words = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}${i} `);

test('createStreamToken answers the StreamTokenResponse the SDK decodes', async () => {
  const thread = randomUUID();
  const grant = await client.createStreamToken(thread);
  assert.equal(typeof grant.token, 'string');
  assert.ok(grant.expiresAt instanceof Date && grant.expiresAt.getTime() > Date.now());
  assert.equal(grant.url, `${gatewayUrl}/api/v1/threads/${thread}/stream`);
});

test('a reconnect resumes with Last-Event-ID: no token lost, none repeated', async () => {
  const thread = randomUUID();
  const run = randomUUID();
  const all = runFrames(run, words('w', 30));
  const { stream, seen } = follow(thread);
  await eventually(() => seen.connects === 1, 20_000, 50);

  await frames.publish(tenant.tenantId, thread, all.slice(0, 11));
  await eventually(() => seen.tokens.length === 10, 20_000, 50);
  stream.disconnect();
  // Published while the client is away: only the resume can bring them.
  await frames.publish(tenant.tenantId, thread, all.slice(11, 21));
  stream.connect();
  await eventually(() => seen.connects === 2, 20_000, 50);
  await frames.publish(tenant.tenantId, thread, all.slice(21));
  await eventually(() => seen.done.has(run), 20_000, 50);
  stream.disconnect();

  assert.deepEqual(seen.tokens.map((t) => t.seq), Array.from({ length: 30 }, (_, i) => i + 1));
  assert.equal(seen.texts.get(run), words('w', 30).join(''));
  assert.equal(seen.done.get(run), false, 'the SDK saw the whole run (not gapped)');
  assert.equal(seen.stale, 0);
  assert.equal(seen.gaps, 0);
});

test('a channel filter passes only the lanes asked for', async () => {
  const thread = randomUUID();
  const support = randomUUID();
  const internal = randomUUID();
  const { stream, seen } = follow(thread, { channels: ['support'] });
  await eventually(() => seen.connects === 1, 20_000, 50);
  await frames.publish(tenant.tenantId, thread, [
    ...runFrames(internal, ['hidden'], { channel: 'internal' }),
    ...runFrames(support, ['shown'], { channel: 'support' }),
  ]);
  await eventually(() => seen.done.has(support), 20_000, 50);
  stream.disconnect();
  assert.deepEqual(seen.tokens.map((t) => t.text), ['shown']);
  assert.equal(seen.done.has(internal), false);
});

test('a gateway killed mid-stream and started again: the client resumes where it was', { skip: !servicesControllable && 'needs PJ_STATE_DIR' }, async () => {
  const thread = randomUUID();
  const run = randomUUID();
  const all = runFrames(run, words('k', 40));
  const { stream, seen } = follow(thread);
  try {
    await eventually(() => seen.connects === 1, 20_000, 50);
    await frames.publish(tenant.tenantId, thread, all.slice(0, 16));
    await eventually(() => seen.tokens.length === 15, 20_000, 50);

    await killService('api-gateway');
    await frames.publish(tenant.tenantId, thread, all.slice(16, 31));
    await services(['start']);
    await eventually(() => seen.connects >= 2, 60_000, 100);
    await frames.publish(tenant.tenantId, thread, all.slice(31));
    await eventually(() => seen.done.has(run), 30_000, 50);

    assert.deepEqual(seen.tokens.map((t) => t.seq), Array.from({ length: 40 }, (_, i) => i + 1));
    assert.equal(seen.texts.get(run), words('k', 40).join(''));
    assert.equal(seen.done.get(run), false);
    assert.equal(seen.stale, 0);
  } finally {
    stream.disconnect();
    await services(['start']);
  }
});

test('a gateway stopping asks its clients to reconnect, and they resume without loss', { skip: !servicesControllable && 'needs PJ_STATE_DIR' }, async () => {
  const thread = randomUUID();
  const run = randomUUID();
  const all = runFrames(run, words('s', 20));
  const { stream, seen } = follow(thread);
  try {
    await eventually(() => seen.connects === 1, 20_000, 50);
    await frames.publish(tenant.tenantId, thread, all.slice(0, 11));
    await eventually(() => seen.tokens.length === 10, 20_000, 50);

    await services(['stop', 'api-gateway']);
    assert.equal(seen.disconnects[0], 'server handoff', 'the stopping gateway sent reconnect');
    await frames.publish(tenant.tenantId, thread, all.slice(11));
    await services(['start']);
    await eventually(() => seen.done.has(run), 60_000, 100);

    assert.deepEqual(seen.tokens.map((t) => t.seq), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.equal(seen.done.get(run), false);
  } finally {
    stream.disconnect();
    await services(['start']);
  }
});
