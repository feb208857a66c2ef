// Webhook delivery seen from a customer: retries verified with the official SDK, secret rotation, the
// delivery log and its controls through the gateway's management API, and a dispatcher crash that
// loses nothing. The test stack shortens the retry schedule (platform test sets DISPATCHER_RETRY_SCHEDULE).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PromptJuggler, verifyWebhookSignature } from '@promptjuggler/sdk';
import { gatewayUrl, newTenant, publishPrompt, registerWebhook } from '../support/platform.mjs';
import { eventually, manage, startScriptedReceiver } from '../support/webhooks.mjs';
import { killService, servicesControllable, startServicesWith } from '../support/services.mjs';

let receiver;
let key;
let client;
let prompt;

before(async () => {
  receiver = await startScriptedReceiver();
  key = await newTenant('e2e webhooks');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  prompt = await publishPrompt(key, 'Notifier', {
    provider: 'openai',
    model: 'gpt-5.5',
    messages: [{ role: 'user', content: 'Tell {{name}}' }],
  });
});

after(() => receiver.close());

const bodyOf = (delivery) => JSON.parse(delivery.rawBody);

test('500, 500, 500, 200: four attempts with one event id, each signature verified by the SDK', async () => {
  const webhook = await registerWebhook(key, receiver.url('/retries'), ['promptrun.finished']);
  receiver.script('/retries', 500, 500, 500, 200);

  const { id } = await client.runPrompt(prompt.slug, prompt.version, { name: 'Ada' });
  await receiver.until(() => receiver.received('/retries').length >= 4);

  const attempts = receiver.received('/retries');
  assert.equal(attempts.length, 4);
  for (const [index, attempt] of attempts.entries()) {
    assert.deepEqual(bodyOf(attempt), { event: 'promptrun.finished', id, status: 'completed' });
    assert.equal(attempt.headers['promptjuggler-event-id'], attempts[0].headers['promptjuggler-event-id']);
    assert.equal(attempt.headers['promptjuggler-attempt'], String(index + 1));
    assert.equal(await verifyWebhookSignature(attempt.rawBody, attempt.headers['promptjuggler-signature'], webhook.secret), true);
  }

  const log = await eventually(async () => {
    const answer = await manage(key, 'GET', `/manage/v1/webhooks/${webhook.id}/deliveries`);
    return answer.body.deliveries[0]?.status === 'delivered' && answer;
  });
  assert.equal(log.status, 200);
  const [delivery] = log.body.deliveries;
  assert.equal(delivery.eventId, attempts[0].headers['promptjuggler-event-id']);
  assert.deepEqual(delivery.attemptLog.map((a) => a.statusCode), [500, 500, 500, 200]);
  assert.ok(delivery.attemptLog.every((a) => typeof a.latencyMs === 'number' && a.at));
  assert.equal(delivery.attemptLog[0].responseExcerpt, 'status 500');

  const byEvent = await manage(key, 'GET', `/manage/v1/webhook-events/${delivery.eventId}/deliveries`);
  assert.equal(byEvent.status, 200);
  assert.deepEqual(byEvent.body.deliveries.map((d) => d.id), [delivery.id]);
});

test('during a secret rotation each delivery carries two v1 values, each verifiable with its own secret', async () => {
  const webhook = await registerWebhook(key, receiver.url('/rotation'), ['promptrun.finished']);
  const rotated = await manage(key, 'POST', `/manage/v1/webhooks/${webhook.id}/rotate-secret`);
  assert.equal(rotated.status, 200);
  assert.notEqual(rotated.body.secret, webhook.secret);
  assert.ok(new Date(rotated.body.previousSecretExpiresAt) > new Date(Date.now() + 23 * 3600_000));

  const { id } = await client.runPrompt(prompt.slug, prompt.version, { name: 'Grace' });
  await receiver.until(() => receiver.received('/rotation').some((d) => bodyOf(d).id === id));

  const delivery = receiver.received('/rotation').find((d) => bodyOf(d).id === id);
  const header = delivery.headers['promptjuggler-signature'];
  const t = header.split(',').find((part) => part.startsWith('t='));
  const v1 = header.split(',').filter((part) => part.startsWith('v1='));
  assert.equal(v1.length, 2, header);
  assert.equal(await verifyWebhookSignature(delivery.rawBody, `${t},${v1[0]}`, webhook.secret), true, 'the old secret');
  assert.equal(await verifyWebhookSignature(delivery.rawBody, `${t},${v1[1]}`, rotated.body.secret), true, 'the new secret');
  assert.equal(await verifyWebhookSignature(delivery.rawBody, header, rotated.body.secret), true,
    'the SDK reads the last v1, which is the new secret');
});

test('ping, health and replay through the management API; another tenant finds nothing', async () => {
  const webhook = await registerWebhook(key, receiver.url('/controls'), ['workflowrun.finished']);

  const ping = await manage(key, 'POST', `/manage/v1/webhooks/${webhook.id}/ping`);
  assert.equal(ping.status, 202);
  await receiver.until(() => receiver.received('/controls').length === 1);
  const [first] = receiver.received('/controls');
  assert.equal(first.headers['promptjuggler-event'], 'ping');
  assert.equal(first.headers['promptjuggler-event-id'], ping.body.eventId);
  assert.equal(await verifyWebhookSignature(first.rawBody, first.headers['promptjuggler-signature'], webhook.secret), true);

  const health = await eventually(async () => {
    const answer = await manage(key, 'GET', `/manage/v1/webhooks/${webhook.id}/health`);
    return answer.body.lastSuccessAt && answer;
  });
  assert.equal(health.body.state, 'healthy');
  assert.equal(health.body.receiving, true);

  const replay = await manage(key, 'POST', `/manage/v1/webhooks/${webhook.id}/deliveries/${ping.body.deliveryId}/replay`);
  assert.equal(replay.status, 202);
  await receiver.until(() => receiver.received('/controls').length === 2);
  const second = receiver.received('/controls')[1];
  assert.equal(second.headers['promptjuggler-event-id'], ping.body.eventId);
  assert.equal(second.headers['promptjuggler-attempt'], '2');

  const range = await manage(key, 'POST', `/manage/v1/webhooks/${webhook.id}/replay`, { from: 'yesterday', to: '2100-01-01T00:00:00Z' });
  assert.equal(range.status, 422);
  assert.match(range.body.error, /^from must be/);

  const strangerKey = await newTenant('e2e webhook stranger');
  for (const [method, path] of [
    ['GET', `/manage/v1/webhooks/${webhook.id}/deliveries`],
    ['GET', `/manage/v1/webhooks/${webhook.id}/health`],
    ['POST', `/manage/v1/webhooks/${webhook.id}/ping`],
    ['POST', `/manage/v1/webhooks/${webhook.id}/rotate-secret`],
    ['POST', `/manage/v1/webhooks/${webhook.id}/enable`],
    ['POST', `/manage/v1/webhooks/${webhook.id}/deliveries/${ping.body.deliveryId}/replay`],
    ['GET', `/manage/v1/webhook-events/${ping.body.eventId}/deliveries`],
  ]) {
    const answer = await manage(strangerKey, method, path);
    assert.equal(answer.status, 404, `${method} ${path}`);
    assert.equal(typeof answer.body.error, 'string', `${method} ${path}`);
  }
  assert.equal(receiver.received('/controls').length, 2);
});

test('the dispatcher killed mid-flight loses nothing', { skip: !servicesControllable && 'needs PJ_STATE_DIR' }, async () => {
  const webhook = await registerWebhook(key, receiver.url('/crash'), ['promptrun.finished']);
  receiver.hold('/crash');
  const before = [];
  for (const name of ['a', 'b', 'c', 'd']) before.push((await client.runPrompt(prompt.slug, prompt.version, { name })).id);
  await receiver.until(() => new Set(receiver.received('/crash').map((d) => bodyOf(d).id)).size === before.length);

  await killService('webhook-dispatcher');
  receiver.release('/crash');
  // Finished while no dispatcher runs: these wait in Kafka.
  const during = [];
  for (const name of ['e', 'f']) during.push((await client.runPrompt(prompt.slug, prompt.version, { name })).id);
  await eventually(async () => (await client.getPromptRun(during.at(-1))).status === 'completed');
  startServicesWith();

  const all = [...before, ...during];
  const log = await eventually(async () => {
    const answer = await manage(key, 'GET', `/manage/v1/webhooks/${webhook.id}/deliveries?status=delivered`);
    return answer.body.deliveries.length === all.length && answer;
  }, 120_000);
  const delivered = new Set(receiver.received('/crash').filter((d) => d.headers['promptjuggler-attempt']).map((d) => bodyOf(d).id));
  for (const id of all) assert.ok(delivered.has(id), `run ${id} reached the receiver`);
  assert.equal(log.body.deliveries.length, all.length);
  // The attempts cut off by the kill were never recorded; each delivery still ends with exactly one success.
  for (const delivery of log.body.deliveries) {
    assert.equal(delivery.attemptLog.filter((a) => a.statusCode === 200).length, 1);
  }
});
