// The run history as an operator uses it: runs created by the official SDK with metadata, found again with a
// metadata filter, one read in full with the webhook delivery of its finished event; and usage adding up to them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PromptJuggler } from '@promptjuggler/sdk';
import { gatewayUrl, newTenant, publishPrompt, registerWebhook, startReceiver, untilFinished } from '../support/platform.mjs';
import { eventually, manage } from '../support/webhooks.mjs';

let receiver;
let key;
let client;
let prompt;

before(async () => {
  receiver = await startReceiver();
  key = await newTenant('e2e run history');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  prompt = await publishPrompt(key, 'Historian', {
    provider: 'openai',
    model: 'gpt-5.5',
    messages: [{ role: 'user', content: 'Summarise {{topic}}' }],
  });
});

after(() => receiver.close());

test('runs made with the SDK are found by their metadata, and one reads in full with its webhook delivery', async () => {
  const webhook = await registerWebhook(key, receiver.url, ['promptrun.finished']);
  const tagged = [];
  for (const topic of ['tides', 'comets']) {
    tagged.push((await client.runPrompt(prompt.slug, prompt.version, { topic }, {
      metadata: { order: 'o-7', labels: ['history', topic] },
      priority: 'low',
    })).id);
  }
  const other = (await client.runPrompt(prompt.slug, prompt.version, { topic: 'moss' }, { metadata: { order: 'o-8' } })).id;

  const listed = await manage(key, 'GET', '/manage/v1/runs?metadata.order=o-7');
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.body.runs.map((run) => run.id), [...tagged].reverse());
  assert.equal(listed.body.nextCursor, null);
  for (const run of listed.body.runs) {
    assert.equal(run.definition.slug, prompt.slug);
    assert.equal(run.revision.version, prompt.version);
    assert.equal(run.priority, 'low');
    assert.equal(run.metadata.order, 'o-7');
  }
  const byLabel = await manage(key, 'GET', `/manage/v1/runs?metadata.labels=comets&definition=${prompt.slug}`);
  assert.deepEqual(byLabel.body.runs.map((run) => run.id), [tagged[1]]);
  const paged = await manage(key, 'GET', '/manage/v1/runs?limit=2');
  assert.deepEqual(paged.body.runs.map((run) => run.id), [other, tagged[1]]);
  const rest = await manage(key, 'GET', `/manage/v1/runs?limit=2&cursor=${paged.body.nextCursor}`);
  assert.deepEqual(rest.body.runs.map((run) => run.id), [tagged[0]]);

  const id = tagged[0];
  const finished = await untilFinished((runId) => client.getPromptRun(runId), id);
  await receiver.waitFor((delivery) => JSON.parse(delivery.rawBody).id === id);
  const detail = await eventually(async () => {
    const answer = await manage(key, 'GET', `/manage/v1/runs/${id}`);
    return answer.body.webhooks.deliveries[0]?.status === 'delivered' && answer;
  });
  assert.equal(detail.status, 200);
  const run = detail.body;
  assert.equal(run.status, finished.status);
  assert.deepEqual(run.inputs, { topic: 'tides' });
  assert.deepEqual(run.metadata, { order: 'o-7', labels: ['history', 'tides'] });
  assert.equal(run.output, finished.output);
  assert.deepEqual(run.tokenUsage.total, finished.tokenUsage.total);
  assert.equal(run.cost.total, finished.cost.total);
  assert.ok(run.attempts >= 1);
  assert.ok(new Date(run.createdAt) <= new Date(run.startedAt) && new Date(run.startedAt) <= new Date(run.finishedAt));
  const [delivery] = run.webhooks.deliveries;
  assert.equal(run.webhooks.deliveries.length, 1);
  assert.equal(delivery.endpointId, webhook.id);
  assert.equal(delivery.event, 'promptrun.finished');
  assert.equal(delivery.eventId, run.webhooks.eventId);
  const received = receiver.received.find((d) => JSON.parse(d.rawBody).id === id);
  assert.equal(received.headers['promptjuggler-event-id'], run.webhooks.eventId);
  assert.equal(delivery.attemptLog.at(-1).statusCode, 204);
});

test('usage by definition adds up the runs the history shows', async () => {
  const ids = [];
  for (const topic of ['rivers', 'lakes']) {
    ids.push((await client.runPrompt(prompt.slug, prompt.version, { topic }, { metadata: { order: 'o-usage' } })).id);
  }
  for (const id of ids) await untilFinished((runId) => client.getPromptRun(runId), id);

  const all = await manage(key, 'GET', `/manage/v1/runs?definition=${prompt.slug}&limit=200`);
  const details = await Promise.all(all.body.runs.map(async (run) => {
    const finished = await untilFinished(async (runId) => (await manage(key, 'GET', `/manage/v1/runs/${runId}`)).body, run.id);
    return finished;
  }));
  const from = new Date(Date.now() - 3600_000).toISOString();
  const to = new Date(Date.now() + 3600_000).toISOString();
  const usage = await manage(key, 'GET', `/manage/v1/usage?from=${from}&to=${to}&groupBy=definition`);
  assert.equal(usage.status, 200);
  const [group] = usage.body.groups;
  assert.equal(usage.body.groups.length, 1);
  assert.equal(group.name, prompt.slug);
  assert.equal(group.runs, details.length);
  assert.equal(group.tokenUsage.total, details.reduce((sum, run) => sum + run.tokenUsage.total, 0));
  assert.ok(Math.abs(group.cost.total - details.reduce((sum, run) => sum + run.cost.total, 0)) < 1e-12);
  assert.deepEqual(usage.body.total.tokenUsage, group.tokenUsage);
});
