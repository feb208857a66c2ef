// Cancel and deadline, seen from a customer: a run whose provider call the simulator holds open is cancelled through
// the management API; the official SDK then reads it failed with the error "cancelled", the provider's connection was
// closed by the platform, and the webhook arrives signed as for any finished run. A definition's run deadline ends a
// held run the same way with "timed out".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PromptJuggler, verifyWebhookSignature } from '@promptjuggler/sdk';
import { gatewayUrl, newTenant, publishPrompt, registerWebhook, startReceiver } from '../support/platform.mjs';
import { eventually, manage } from '../support/webhooks.mjs';

const simulatorUrl = `http://127.0.0.1:${process.env.PJ_SIMULATOR_PORT ?? 18090}`;

let receiver;
let client;
let key;
let prompt;
let webhook;

/** The simulator holds every request whose last user text contains `marker` until its client gives up. */
async function hold(marker) {
  const response = await fetch(`${simulatorUrl}/__simulator/holds`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ contains: marker }),
  });
  assert.equal(response.status, 204);
}

const holds = async () => (await fetch(`${simulatorUrl}/__simulator/holds`)).json();

before(async () => {
  receiver = await startReceiver();
  key = await newTenant('e2e cancel');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  prompt = await publishPrompt(key, 'Slow', {
    provider: 'openai',
    model: 'gpt-5.5',
    messages: [{ role: 'user', content: 'Take your time, {{name}}' }],
  });
  webhook = await registerWebhook(key, receiver.url, ['promptrun.finished']);
});

after(() => receiver.close());

test('a running run cancelled through the management API ends failed "cancelled", its provider call aborted, its webhook signed', async () => {
  const marker = `cancel-me-${randomUUID()}`;
  await hold(marker);
  const closedBefore = (await holds()).closedByClient;
  const { id } = await client.runPrompt(prompt.slug, prompt.version, { name: marker }, { priority: 'onsite' });
  // Provably running: its provider request is waiting at the simulator.
  await eventually(async () => (await holds()).held >= 1);
  assert.equal((await client.getPromptRun(id)).status, 'pending');

  const cancelled = await manage(key, 'POST', `/manage/v1/runs/${id}/cancel`);
  assert.equal(cancelled.status, 202, JSON.stringify(cancelled.body));
  assert.equal(cancelled.body.id, id);
  assert.equal(cancelled.body.status, 'pending');

  const run = await eventually(async () => {
    const read = await client.getPromptRun(id);
    return read.status !== 'pending' && read;
  });
  assert.equal(run.status, 'failed');
  assert.equal(run.error, 'cancelled');
  assert.equal(run.output, undefined);
  await eventually(async () => (await holds()).closedByClient > closedBefore);

  const delivery = await receiver.waitFor((d) => JSON.parse(d.rawBody).id === id);
  assert.equal(await verifyWebhookSignature(delivery.rawBody, delivery.headers['promptjuggler-signature'], webhook.secret), true);
  assert.deepEqual(JSON.parse(delivery.rawBody), { event: 'promptrun.finished', id, status: 'failed' });

  // It has ended: cancelling it again is a conflict; another tenant cannot even see it.
  const again = await manage(key, 'POST', `/manage/v1/runs/${id}/cancel`);
  assert.equal(again.status, 409);
  assert.match(again.body.error, /has already ended \(failed\)/);
  const stranger = await manage(await newTenant('e2e cancel stranger'), 'POST', `/manage/v1/runs/${id}/cancel`);
  assert.equal(stranger.status, 404);
});

test('a definition\'s run deadline ends a held run failed "timed out", with its webhook', async () => {
  const marker = `deadline-${randomUUID()}`;
  await hold(marker);
  const settings = await manage(key, 'PUT', `/manage/v1/prompts/${prompt.slug}/settings`, { runTimeoutSeconds: 1 });
  assert.equal(settings.status, 200);
  try {
    const { id } = await client.runPrompt(prompt.slug, prompt.version, { name: marker }, { priority: 'onsite' });
    const delivery = await receiver.waitFor((d) => JSON.parse(d.rawBody).id === id);
    assert.deepEqual(JSON.parse(delivery.rawBody), { event: 'promptrun.finished', id, status: 'failed' });
    const run = await client.getPromptRun(id);
    assert.equal(run.status, 'failed');
    assert.equal(run.error, 'timed out');
  } finally {
    await manage(key, 'PUT', `/manage/v1/prompts/${prompt.slug}/settings`, { runTimeoutSeconds: null });
  }
});
