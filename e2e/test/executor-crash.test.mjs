// The executor killed with 500 runs in flight (kill -9 of its process), then started again: every accepted
// run still reaches its final state once, as readers see it, and each gets its finished notice, which may
// repeat but never changes. The executor is pointed at a stand-in provider that holds its answers, so the
// runs are provably in flight when the process dies; the stack's executor is restored afterwards.
// Recovery waits for the dead worker's leases to expire (30 s by default) and the next sweep.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PromptJuggler } from '@promptjuggler/sdk';
import { gatewayUrl, newTenant, publishPrompt, registerWebhook, startReceiver } from '../support/platform.mjs';
import { eventually } from '../support/webhooks.mjs';
import { executorControllable, killExecutor, startHeldProvider, startServicesWith } from '../support/executor.mjs';

let receiver;
let provider;
let client;
let prompt;

before(async () => {
  if (!executorControllable) return;
  receiver = await startReceiver();
  provider = await startHeldProvider();
  const key = await newTenant('e2e executor crash');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  prompt = await publishPrompt(key, 'Crash', {
    provider: 'openai',
    model: 'gpt-5.5',
    messages: [{ role: 'user', content: 'crash test {{name}}' }],
  });
  await registerWebhook(key, receiver.url, ['promptrun.finished']);
});

after(async () => {
  if (!executorControllable) return;
  // Back to the stack's own executor, talking to the provider simulator.
  await killExecutor();
  startServicesWith({ PROVIDERS_OPENAI_BASE_URL: undefined, EXECUTOR_MAX_IN_FLIGHT: undefined });
  await provider.close();
  await receiver.close();
});

const bodyOf = (delivery) => JSON.parse(delivery.rawBody);

const IN_FLIGHT = 510;
// Slots for all of them, beside the onsite reserve (16).
const executorSettings = { PROVIDERS_OPENAI_BASE_URL: undefined, EXECUTOR_MAX_IN_FLIGHT: '600' };

test('kill -9 with 500 runs in flight: each run completes once and gets its notice', { skip: !executorControllable && 'needs PJ_STATE_DIR', timeout: 400_000 }, async () => {
  await killExecutor();
  const ours = (text) => text.startsWith('crash test in-flight-');
  provider.hold(ours);
  startServicesWith({ ...executorSettings, PROVIDERS_OPENAI_BASE_URL: provider.url });

  const priorities = ['onsite', 'normal', 'low'];
  const inFlight = [];
  for (let i = 0; i < IN_FLIGHT; i += 30) {
    inFlight.push(...(await Promise.all(Array.from({ length: Math.min(30, IN_FLIGHT - i) }, (_, j) =>
      client.runPrompt(prompt.slug, prompt.version, { name: `in-flight-${i + j}` }, { priority: priorities[(i + j) % 3] }))))
      .map((run) => run.id));
  }
  // Every run is claimed and waiting on the provider when the process dies (only this test's requests count).
  await eventually(() => provider.heldWhere(ours) === inFlight.length, 120_000);
  await killExecutor();

  // Accepted while no executor runs: these wait in Kafka.
  const queued = [];
  for (let i = 0; i < 3; i++) {
    queued.push((await client.runPrompt(prompt.slug, prompt.version, { name: `queued-${i}` }, { priority: priorities[i] })).id);
  }
  provider.answerAll();
  startServicesWith({ ...executorSettings, PROVIDERS_OPENAI_BASE_URL: provider.url });

  const all = [...inFlight, ...queued];
  const readAll = async () => {
    const runs = [];
    for (let i = 0; i < all.length; i += 50) runs.push(...await Promise.all(all.slice(i, i + 50).map((id) => client.getPromptRun(id))));
    return runs;
  };
  const finished = await eventually(async () => {
    const runs = await readAll();
    return runs.every((run) => run.status !== 'pending') && runs;
  }, 180_000, 1000);
  for (const run of finished) {
    assert.equal(run.status, 'completed', `run ${run.id}: ${run.error}`);
    assert.match(run.output, /^answer #\d+ to crash test /);
  }
  for (let i = 0; i < inFlight.length; i++) {
    assert.ok(provider.requestsFor(`crash test in-flight-${i}`) >= 2, `run in-flight-${i} was executed again after the kill`);
  }

  for (const id of all) await receiver.waitFor((d) => bodyOf(d).id === id, 120_000);
  // The outcome readers saw first is the one that stays, and every notice of a run says the same.
  const reread = await readAll();
  for (let i = 0; i < all.length; i++) {
    assert.equal(reread[i].status, finished[i].status);
    assert.equal(reread[i].output, finished[i].output);
    assert.equal(reread[i].finishedAt.getTime(), finished[i].finishedAt.getTime());
    const notices = receiver.received.filter((d) => bodyOf(d).id === all[i]);
    assert.ok(notices.length >= 1);
    for (const notice of notices) assert.deepEqual(bodyOf(notice), { event: 'promptrun.finished', id: all[i], status: 'completed' });
    assert.equal(new Set(notices.map((d) => d.headers['promptjuggler-event-id'])).size, 1, 'a repeated notice keeps its event id');
  }
});
