// Workflow runs seen from a customer: node graphs published through the management API, run with the
// official SDK, read back with getWorkflowRun, finished webhooks verified with verifyWebhookSignature.
// The provider simulator answers Prompt nodes ("[simulated <model>] <text>") and counts its calls by model.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PromptJuggler, verifyWebhookSignature } from '@promptjuggler/sdk';
import { createKnowledgeBase, gatewayUrl, newTenant, publishPrompt, publishWorkflow, registerWebhook, startReceiver,
  workflowTrace, untilFinished } from '../support/platform.mjs';

const simulatorUrl = `http://127.0.0.1:${process.env.PJ_SIMULATOR_PORT ?? 18090}`;
let key;
let client;
let receiver;
let webhook;

const unique = (name) => `${name} ${randomUUID().slice(0, 8)}`;
const calls = (model) => fetch(`${simulatorUrl}/__simulator/calls`).then((r) => r.json()).then((c) => c.byModel[model] ?? 0);

const finished = (id) => untilFinished((runId) => client.getWorkflowRun(runId), id);

async function runGraph(graph, inputs = {}) {
  const workflow = await publishWorkflow(key, unique('Flow'), graph);
  const { id } = await client.runWorkflow(workflow.slug, workflow.version, inputs);
  return { ...(await finished(id)), slug: workflow.slug, version: workflow.version };
}

const prompt = (model, template, extra = {}) => publishPrompt(key, unique('Step'), {
  provider: 'openai', model, messages: [{ role: 'user', content: template }], ...extra });

before(async () => {
  key = await newTenant('e2e workflows');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  receiver = await startReceiver();
  webhook = await registerWebhook(key, receiver.url, ['workflowrun.finished']);
});

after(() => receiver.close());

test('input → prompt → output: outputs, usage and cost, a verified workflowrun.finished webhook, the trace', async () => {
  const step = await prompt('gpt-5-mini', 'Summarise {{text}}');
  const run = await runGraph({
    nodes: [{ id: 'in', type: 'input', name: 'text' }, { id: 'p', type: 'prompt', name: 'Summary',
      settings: { prompt: step.slug, version: step.version } }, { id: 'out', type: 'output', name: 'summary' }],
    edges: [{ from: 'in', to: 'p', toHandle: 'text' }, { from: 'p', to: 'out' }],
  }, { text: 'the report' });

  assert.equal(run.status, 'completed', JSON.stringify(run.errors));
  assert.deepEqual(run.outputs, { summary: '[simulated gpt-5-mini] Summarise the report' });
  assert.deepEqual(run.errors, []);
  assert.equal(run.tokenUsage.input, 3);
  assert.equal(run.tokenUsage.output, 5);
  assert.ok(run.cost.total > 0);

  const delivery = await receiver.waitFor((d) => JSON.parse(d.rawBody).id === run.id);
  assert.equal(await verifyWebhookSignature(delivery.rawBody, delivery.headers['promptjuggler-signature'], webhook.secret), true);
  assert.deepEqual(JSON.parse(delivery.rawBody), { event: 'workflowrun.finished', id: run.id, status: 'completed' });
  assert.equal(delivery.headers['promptjuggler-event'], 'workflowrun.finished');
  assert.equal(delivery.headers['promptjuggler-revision-version'], String(run.version));

  const trace = await workflowTrace(key, run.id);
  assert.deepEqual(trace.nodes.map((n) => [n.nodeId, n.type, n.status]),
    [['in', 'input', 'completed'], ['p', 'prompt', 'completed'], ['out', 'output', 'completed']]);
  assert.equal(trace.nodes[1].tokenUsage.output, 5);
  assert.ok(trace.nodes.every((n) => n.durationMs >= 0));
});

test('value, string, array and json_query nodes transform strings', async () => {
  const run = await runGraph({
    nodes: [
      { id: 'csv', type: 'value', name: 'Csv', settings: { value: 'b,a,c' } },
      { id: 'split', type: 'string', name: 'Split', settings: { operation: 'split', separator: ',' } },
      { id: 'last', type: 'array', name: 'Last', settings: { operation: 'index', index: -1 } },
      { id: 'len', type: 'array', name: 'Length', settings: { operation: 'length' } },
      { id: 'map', type: 'array', name: 'Map', settings: { operation: 'map', template: '<{{item}}>' } },
      { id: 'join', type: 'string', name: 'Join', settings: { operation: 'join', separator: '' } },
      { id: 'upper', type: 'string', name: 'Upper', settings: { operation: 'upper' } },
      { id: 'doc', type: 'value', name: 'Doc', settings: { value: '{"order":{"items":[{"sku":"A1"},{"sku":"B2"}]}}' } },
      { id: 'query', type: 'json_query', name: 'Skus', settings: { expression: '$.order.items[1].sku' } },
      { id: 'tpl', type: 'string', name: 'Template', settings: { operation: 'template', template: '{{sku}} x{{count}}' } },
      { id: 'mid', type: 'array', name: 'Middle', settings: { operation: 'slice', start: 1, end: 3 } },
      { id: 'messy', type: 'value', name: 'Messy', settings: { value: '  MiXeD  ' } },
      { id: 'trim', type: 'string', name: 'Trim', settings: { operation: 'trim' } },
      { id: 'lower', type: 'string', name: 'Lower', settings: { operation: 'lower' } },
      { id: 'o1', type: 'output', name: 'last' }, { id: 'o2', type: 'output', name: 'joined' },
      { id: 'o3', type: 'output', name: 'line' }, { id: 'o4', type: 'output', name: 'middle' },
      { id: 'o5', type: 'output', name: 'clean' }],
    edges: [
      { from: 'csv', to: 'split' }, { from: 'split', to: 'last' }, { from: 'split', to: 'len' },
      { from: 'split', to: 'map' }, { from: 'map', to: 'join' }, { from: 'join', to: 'upper' },
      { from: 'last', to: 'o1' }, { from: 'upper', to: 'o2' },
      { from: 'doc', to: 'query' }, { from: 'query', to: 'tpl', toHandle: 'sku' }, { from: 'len', to: 'tpl', toHandle: 'count' },
      { from: 'tpl', to: 'o3' }, { from: 'split', to: 'mid' }, { from: 'mid', to: 'o4' },
      { from: 'messy', to: 'trim' }, { from: 'trim', to: 'lower' }, { from: 'lower', to: 'o5' }],
  });
  assert.equal(run.status, 'completed', JSON.stringify(run.errors));
  assert.deepEqual(run.outputs, { last: 'c', joined: '<B><A><C>', line: 'B2 x3', middle: '["a","c"]', clean: 'mixed' });
  assert.equal(run.tokenUsage, undefined, 'no provider was called');
});

test('if and switch skip the branches they do not take (no output, no provider call); merges become arrays', async () => {
  const taken = await prompt('gpt-5.6-terra', 'yes {{in}}');
  const untaken = await prompt('gpt-5.6-luna', 'no {{in}}');
  const before = await calls('gpt-5.6-luna');
  const run = await runGraph({
    nodes: [
      { id: 'q', type: 'input', name: 'question' },
      { id: 'if', type: 'if', name: 'Long?', settings: { operator: 'contains', value: 'refund' } },
      { id: 'yes', type: 'prompt', name: 'Yes', settings: { prompt: taken.slug, version: taken.version } },
      { id: 'no', type: 'prompt', name: 'No', settings: { prompt: untaken.slug, version: untaken.version } },
      { id: 'a', type: 'output', name: 'yes' }, { id: 'b', type: 'output', name: 'no' },
      { id: 'sw', type: 'switch', name: 'Route', settings: { cases: [
        { name: 'billing', operator: 'matches', value: 'refund|invoice' }, { name: 'tech', operator: 'contains', value: 'error' }] } },
      { id: 'v1', type: 'value', name: 'One', settings: { value: 'one' } },
      { id: 'v2', type: 'value', name: 'Two', settings: { value: 'two' } },
      { id: 'route', type: 'output', name: 'route' }, { id: 'tech', type: 'output', name: 'tech' },
      { id: 'both', type: 'output', name: 'merged' }, { id: 'single', type: 'output', name: 'single' }],
    edges: [
      { from: 'q', to: 'if' }, { from: 'if', fromHandle: 'true', to: 'yes', toHandle: 'in' },
      { from: 'if', fromHandle: 'false', to: 'no', toHandle: 'in' }, { from: 'yes', to: 'a' }, { from: 'no', to: 'b' },
      { from: 'q', to: 'sw' }, { from: 'sw', fromHandle: 'billing', to: 'route' }, { from: 'sw', fromHandle: 'tech', to: 'tech' },
      { from: 'v1', to: 'both' }, { from: 'v2', to: 'both' },
      { from: 'yes', to: 'single' }, { from: 'no', to: 'single' }],
  }, { question: 'a refund please' });

  assert.equal(run.status, 'completed', JSON.stringify(run.errors));
  assert.deepEqual(run.outputs, { yes: '[simulated gpt-5.6-terra] yes a refund please', route: 'a refund please',
    merged: '["one","two"]', single: '[simulated gpt-5.6-terra] yes a refund please' });
  assert.equal(await calls('gpt-5.6-luna'), before, 'the branch not taken called no provider');
  const trace = await workflowTrace(key, run.id);
  assert.deepEqual(trace.nodes.filter((n) => n.status === 'skipped').map((n) => n.nodeId).sort(), ['b', 'no', 'tech']);
});

test('fanout runs a prompt per item, in order, a bounded number at a time', async () => {
  const each = await prompt('gpt-5.5', 'Name {{city}}');
  const run = await runGraph({
    nodes: [{ id: 'list', type: 'input', name: 'cities' },
      { id: 'fan', type: 'fanout', name: 'Each', settings: { prompt: each.slug, version: each.version, concurrency: 2 } },
      { id: 'out', type: 'output', name: 'names' }],
    edges: [{ from: 'list', to: 'fan' }, { from: 'fan', to: 'out' }],
  }, { cities: '["Oslo","Lima","Pune"]' });
  assert.equal(run.status, 'completed', JSON.stringify(run.errors));
  assert.deepEqual(JSON.parse(run.outputs.names), ['[simulated gpt-5.5] Name Oslo', '[simulated gpt-5.5] Name Lima',
    '[simulated gpt-5.5] Name Pune']);
  assert.equal(run.tokenUsage.input, 6);
});

test('a loop re-runs its body, prompt included, until its condition holds or its iterations are used up', async () => {
  const grow = await prompt('gpt-6-astra', '{{in}}+');
  const graph = (until) => ({
    nodes: [{ id: 'seed', type: 'input', name: 'seed' },
      { id: 'loop', type: 'loop', name: 'Grow', settings: { maxIterations: 3, ...(until ? { until } : {}) } },
      { id: 'p', type: 'prompt', name: 'Grow', settings: { prompt: grow.slug, version: grow.version } },
      { id: 'strip', type: 'string', name: 'Strip', settings: { operation: 'replace', search: '[simulated gpt-6-astra] ', replacement: '' } },
      { id: 'out', type: 'output', name: 'grown' }],
    edges: [{ from: 'seed', to: 'loop' }, { from: 'loop', fromHandle: 'body', to: 'p', toHandle: 'in' },
      { from: 'p', to: 'strip' }, { from: 'strip', to: 'loop', toHandle: 'feedback' },
      { from: 'loop', fromHandle: 'done', to: 'out' }],
  });
  const before = await calls('gpt-6-astra');
  const bounded = await runGraph(graph(null), { seed: 'x' });
  assert.equal(bounded.status, 'completed', JSON.stringify(bounded.errors));
  assert.deepEqual(bounded.outputs, { grown: 'x+++' });
  assert.equal(await calls('gpt-6-astra'), before + 3);

  const early = await runGraph(graph({ operator: 'contains', value: '++' }), { seed: 'y' });
  assert.deepEqual(early.outputs, { grown: 'y++' });
  const trace = await workflowTrace(key, early.id);
  assert.deepEqual(trace.nodes.filter((n) => n.nodeId === 'p').map((n) => n.iteration), [1, 2]);
});

test('a nested workflow runs with its Input names as inputs and its Output names as outputs', async () => {
  const answer = await prompt('gpt-5.5', 'Answer {{q}}');
  const child = await publishWorkflow(key, unique('Child'), {
    nodes: [{ id: 'q', type: 'input', name: 'question' },
      { id: 'p', type: 'prompt', name: 'Answer', settings: { prompt: answer.slug, version: answer.version } },
      { id: 'a', type: 'output', name: 'answer' }],
    edges: [{ from: 'q', to: 'p', toHandle: 'q' }, { from: 'p', to: 'a' }],
  });
  const run = await runGraph({
    nodes: [{ id: 'in', type: 'input', name: 'topic' },
      { id: 'child', type: 'workflow', name: 'Child', settings: { workflow: child.slug, version: child.version } },
      { id: 'out', type: 'output', name: 'result' }],
    edges: [{ from: 'in', to: 'child', toHandle: 'question' }, { from: 'child', fromHandle: 'answer', to: 'out' }],
  }, { topic: 'tides' });
  assert.equal(run.status, 'completed', JSON.stringify(run.errors));
  assert.deepEqual(run.outputs, { result: '[simulated gpt-5.5] Answer tides' });
  const trace = await workflowTrace(key, run.id);
  assert.ok(trace.nodes.some((n) => n.nodeId === 'child/p' && n.status === 'completed'), 'nested nodes are traced');
});

test('retrieval: input → kb search → prompt → output over a knowledge base ingested here', async () => {
  const base = await createKnowledgeBase(key, unique('Manual'));
  const [document] = await client.uploadDocuments(base.slug, [new File(
    ['# Warranty\n\nThe kettle is covered by a warranty of thirty-one months from purchase.\n'], 'warranty.md',
    { type: 'text/markdown' })]);
  for (let i = 0; i < 240 && (await client.getKnowledgeDocument(document.id)).status !== 'ready'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const answer = await prompt('gpt-5.5', 'Context: {{context}} Question: {{question}}');
  const run = await runGraph({
    nodes: [{ id: 'q', type: 'input', name: 'question' },
      { id: 'kb', type: 'kb_search', name: 'Manual', settings: { knowledgeBase: base.slug, topK: 1 } },
      { id: 'first', type: 'json_query', name: 'Best', settings: { expression: '$[0].content' } },
      { id: 'p', type: 'prompt', name: 'Answer', settings: { prompt: answer.slug, version: answer.version } },
      { id: 'out', type: 'output', name: 'answer' }],
    edges: [{ from: 'q', to: 'kb', toHandle: 'query' }, { from: 'kb', to: 'first' },
      { from: 'first', to: 'p', toHandle: 'context' }, { from: 'q', to: 'p', toHandle: 'question' }, { from: 'p', to: 'out' }],
  }, { question: 'how long is the kettle guaranteed?' });
  assert.equal(run.status, 'completed', JSON.stringify(run.errors));
  assert.match(run.outputs.answer, /^\[simulated gpt-5\.5\] Context: .*thirty-one months.* Question: how long is the kettle guaranteed\?$/s);
});

test('prompt nodes keep the thread memory of their channel across workflow runs and prompt runs', async () => {
  const note = await prompt('gpt-5.5', 'Note {{text}}', { memory: 'read_write' });
  const graph = {
    nodes: [{ id: 'in', type: 'input', name: 'text' },
      { id: 'p', type: 'prompt', name: 'Note', settings: { prompt: note.slug, version: note.version, channel: 'notes' } },
      { id: 'out', type: 'output', name: 'note' }],
    edges: [{ from: 'in', to: 'p', toHandle: 'text' }, { from: 'p', to: 'out' }],
  };
  const workflow = await publishWorkflow(key, unique('Notes'), graph);
  const first = await client.runWorkflow(workflow.slug, workflow.version, { text: 'alpha' });
  assert.equal((await finished(first.id)).tokenUsage.input, 2);
  const second = await client.runWorkflow(workflow.slug, workflow.version, { text: 'beta' }, { thread: first.thread });
  // "Note alpha" (2 words) and its answer "[simulated gpt-5.5] Note alpha" (4), then "Note beta" (2).
  assert.equal((await finished(second.id)).tokenUsage.input, 2 + 4 + 2);

  const reader = await prompt('gpt-5.5', '{{text}}', { memory: 'read_only' });
  const { id } = await client.runPrompt(reader.slug, reader.version, { text: 'recap' }, { thread: first.thread, channel: 'notes' });
  const recap = await untilFinished((runId) => client.getPromptRun(runId), id);
  assert.equal(recap.tokenUsage.input, (2 + 4) * 2 + 1, 'a prompt run on the channel sees what the workflow wrote');
});

test('a failed node is reported in errors, skips its downstream, and fails the run; other branches finish', async () => {
  const marker = `broken-${randomUUID()}`;
  await fetch(`${simulatorUrl}/__simulator/failures`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ contains: marker, responses: [{ status: 400, message: 'context length exceeded' }] }) });
  const step = await prompt('gpt-5.5', '{{in}}');
  const run = await runGraph({
    nodes: [{ id: 'in', type: 'input', name: 'text' },
      { id: 'p', type: 'prompt', name: 'Fragile', settings: { prompt: step.slug, version: step.version } },
      { id: 'a', type: 'output', name: 'answer' },
      { id: 's', type: 'script', name: 'Script' },
      { id: 'upper', type: 'string', name: 'Upper', settings: { operation: 'upper' } },
      { id: 'b', type: 'output', name: 'shout' }],
    edges: [{ from: 'in', to: 'p', toHandle: 'in' }, { from: 'p', to: 'a' }, { from: 'in', to: 's' },
      { from: 'in', to: 'upper' }, { from: 'upper', to: 'b' }],
  }, { text: marker });
  assert.equal(run.status, 'failed');
  assert.deepEqual(run.outputs, { shout: marker.toUpperCase() });
  assert.equal(run.errors.length, 2);
  assert.ok(run.errors.some((e) => /^node Fragile: .*context length exceeded/.test(e)), run.errors.join(' | '));
  assert.ok(run.errors.includes('node Script: script nodes are not supported by this deployment'));
});
