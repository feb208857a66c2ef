// The executor killed (kill -9) in the middle of a workflow run, then started again: the run resumes
// from the nodes whose results were stored, so the Prompt node that had finished does not call its
// provider again, and the run completes once, read back with the official SDK. The executor is pointed at
// a stand-in provider that holds the second Prompt node's request, so the crash provably happens between
// the two; the stack's executor is restored afterwards. Recovery waits for the lease to expire (30 s).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PromptJuggler } from '@promptjuggler/sdk';
import { gatewayUrl, newTenant, publishPrompt, publishWorkflow, workflowTrace } from '../support/platform.mjs';
import { eventually } from '../support/webhooks.mjs';
import { executorControllable, killExecutor, startHeldProvider, startServicesWith } from '../support/executor.mjs';

let provider;
let client;
let key;

before(async () => {
  if (!executorControllable) return;
  provider = await startHeldProvider();
  key = await newTenant('e2e workflow crash');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
});

after(async () => {
  if (!executorControllable) return;
  await killExecutor();
  startServicesWith({ PROVIDERS_OPENAI_BASE_URL: undefined });
  await provider.close();
});

test('kill -9 with two branches in flight: the run resumes without re-running the finished Prompt node', { skip: !executorControllable && 'needs PJ_STATE_DIR', timeout: 300_000 }, async () => {
  const topic = `tides-${randomUUID().slice(0, 8)}`;
  const first = await publishPrompt(key, 'First step', { provider: 'openai', model: 'gpt-5.5',
    messages: [{ role: 'user', content: 'first {{topic}}' }] });
  const second = await publishPrompt(key, 'Second step', { provider: 'openai', model: 'gpt-5.5',
    messages: [{ role: 'user', content: 'second {{draft}}' }] });
  const third = await publishPrompt(key, 'Third step', { provider: 'openai', model: 'gpt-5.5',
    messages: [{ role: 'user', content: 'third {{draft}}' }] });
  const workflow = await publishWorkflow(key, 'Two steps', {
    nodes: [{ id: 'in', type: 'input', name: 'topic' },
      { id: 'a', type: 'prompt', name: 'First', settings: { prompt: first.slug, version: first.version } },
      { id: 'b', type: 'prompt', name: 'Second', settings: { prompt: second.slug, version: second.version } },
      { id: 'c', type: 'prompt', name: 'Third', settings: { prompt: third.slug, version: third.version } },
      { id: 'out', type: 'output', name: 'result' }, { id: 'also', type: 'output', name: 'other' }],
    edges: [{ from: 'in', to: 'a', toHandle: 'topic' }, { from: 'a', to: 'b', toHandle: 'draft' },
      { from: 'a', to: 'c', toHandle: 'draft' }, { from: 'b', to: 'out' }, { from: 'c', to: 'also' }],
  });

  await killExecutor();
  provider.hold((text) => text.startsWith('second') || text.startsWith('third'));
  startServicesWith({ PROVIDERS_OPENAI_BASE_URL: provider.url });

  const { id } = await client.runWorkflow(workflow.slug, workflow.version, { topic });
  // Both branches after the first node are in flight at once: independent branches run concurrently.
  await eventually(() => provider.held() === 2, 60_000);
  assert.equal(provider.requestsFor(`first ${topic}`), 1);
  const storedBefore = (await workflowTrace(key, id)).nodes.map((n) => [n.nodeId, n.status]);
  assert.deepEqual(storedBefore, [['in', 'completed'], ['a', 'completed']], 'the finished nodes were stored');

  await killExecutor();
  provider.answerAll();
  startServicesWith({ PROVIDERS_OPENAI_BASE_URL: provider.url });

  const run = await eventually(async () => {
    const current = await client.getWorkflowRun(id);
    return current.status === 'pending' ? false : current;
  }, 180_000, 500);
  assert.equal(run.status, 'completed', JSON.stringify(run.errors));
  assert.match(run.outputs.result, new RegExp(`^answer #\\d+ to second answer #\\d+ to first ${topic}$`));
  assert.match(run.outputs.other, new RegExp(`^answer #\\d+ to third answer #\\d+ to first ${topic}$`));
  assert.equal(provider.requestsFor(`first ${topic}`), 1, 'the finished Prompt node did not call its provider again');
  const trace = await workflowTrace(key, id);
  assert.deepEqual(trace.nodes.map((n) => [n.nodeId, n.iteration, n.status]).sort(),
    [['a', 1, 'completed'], ['also', 1, 'completed'], ['b', 1, 'completed'], ['c', 1, 'completed'],
      ['in', 1, 'completed'], ['out', 1, 'completed']]);
});
