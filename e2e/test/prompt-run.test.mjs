// The walking skeleton, seen from a customer: the official SDK runs a prompt, the platform calls the
// LLM provider (the simulator), stores the result and notifies a webhook the SDK can verify.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, PromptJuggler, verifyWebhookSignature } from '@promptjuggler/sdk';
import { gatewayUrl, newTenant, publishPrompt, registerWebhook, startReceiver } from '../support/platform.mjs';

let receiver;
let client;
let key;
let prompt;
let webhook;

before(async () => {
  receiver = await startReceiver();
  key = await newTenant('e2e prompt runs');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  prompt = await publishPrompt(key, 'Greeter', {
    provider: 'openai',
    model: 'gpt-5.5',
    messages: [{ role: 'user', content: 'Say hello to {{name}}' }],
  });
  webhook = await registerWebhook(key, receiver.url, ['promptrun.finished']);
});

after(() => receiver.close());

test('a prompt run travels every service and ends in a verified webhook and a completed run', async () => {
  const { id, thread } = await client.runPrompt(prompt.slug, prompt.version, { name: 'Ada' });
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.match(thread, /^[0-9a-f-]{36}$/);

  const delivery = await receiver.waitFor((d) => JSON.parse(d.rawBody).id === id);
  const signature = delivery.headers['promptjuggler-signature'];
  assert.equal(await verifyWebhookSignature(delivery.rawBody, signature, webhook.secret), true);
  assert.equal(await verifyWebhookSignature(delivery.rawBody.replace('completed', 'failed'), signature, webhook.secret), false,
    'a tampered body must not verify');
  assert.deepEqual(JSON.parse(delivery.rawBody), { event: 'promptrun.finished', id, status: 'completed' });
  assert.equal(delivery.headers['promptjuggler-event'], 'promptrun.finished');
  assert.ok(delivery.headers['promptjuggler-event-id']);
  assert.equal(delivery.headers['promptjuggler-revision-version'], String(prompt.version));
  assert.match(delivery.headers['promptjuggler-revision-id'], /^[0-9a-f-]{36}$/);

  // Result before notice: by the time the webhook arrived, the run reads as finished.
  const run = await client.getPromptRun(id);
  assert.equal(run.status, 'completed');
  assert.equal(run.output, '[simulated gpt-5.5] Say hello to Ada');
  assert.ok(run.finishedAt instanceof Date && run.finishedAt >= run.createdAt);
  assert.equal(run.error, undefined);
  assert.deepEqual(run.tokenUsage, { input: 4, inputCached: 0, output: 6, reasoning: 0, total: 10,
    serviceTier: undefined, inputCacheWrite: undefined });
  assert.deepEqual(run.transcript, [{ type: 'text', content: run.output, citations: [] }]);
  assert.deepEqual(run.emitted, []);
});

test('the run is pending right after it was accepted', async () => {
  const { id } = await client.runPrompt(prompt.slug, '__latest__', { name: 'Grace' }, { priority: 'low' });
  const run = await client.getPromptRun(id);
  assert.ok(['pending', 'completed'].includes(run.status));
  await receiver.waitFor((d) => JSON.parse(d.rawBody).id === id);
  assert.equal((await client.getPromptRun(id)).output, '[simulated gpt-5.5] Say hello to Grace');
});

test('errors reach the SDK as ApiError with the status code', async () => {
  await assert.rejects(client.runPrompt(prompt.slug, 1, {}), (error) => error instanceof ApiError && error.statusCode === 422);
  await assert.rejects(client.runPrompt('pr_missing', 1, { name: 'x' }), (error) => error instanceof ApiError && error.statusCode === 404);
  await assert.rejects(new PromptJuggler('pj_wrong', { baseUrl: gatewayUrl }).getPromptRun('00000000-0000-4000-8000-000000000000'),
    (error) => error instanceof ApiError && error.statusCode === 401);
});

test("another tenant's key cannot read the run", async () => {
  const { id } = await client.runPrompt(prompt.slug, 1, { name: 'Eve' });
  const stranger = new PromptJuggler(await newTenant('e2e stranger'), { baseUrl: gatewayUrl });
  await assert.rejects(stranger.getPromptRun(id), (error) => error instanceof ApiError && error.statusCode === 404);
});
