// Conformance: the official SDK's prompt and workflow methods against the real gateway, each response
// decoded by the SDK's own models (a missing required field makes the SDK throw DecodeError).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, PromptJuggler } from '@promptjuggler/sdk';
import { gatewayUrl, newTenant, publishPrompt } from '../support/platform.mjs';

let key;
let client;
let prompt;

async function manage(method, path, body) {
  const response = await fetch(gatewayUrl + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response.status === 204 ? undefined : response.json();
}

async function waitUntilFinished(read, id) {
  for (let i = 0; i < 300; i++) {
    const run = await read(id);
    if (run.status !== 'pending') return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${id} still pending after 30 s`);
}

before(async () => {
  key = await newTenant('e2e conformance');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  prompt = await publishPrompt(key, 'Conformance', {
    provider: 'openai',
    model: 'gpt-5.5',
    systemInstruction: 'You answer for {{company}}.',
    modelParams: { temperature: 0.2, maxCompletionTokens: 300 },
    messages: [
      { role: 'user', content: 'Question: {{question}}' },
    ],
  });
  await manage('PUT', `/manage/v1/prompts/${prompt.slug}/tags/production`, { version: prompt.version });
});

test('getPrompt decodes a PromptRevision by number, tag and __latest__', async () => {
  for (const version of [prompt.version, 'production', '__latest__']) {
    const revision = await client.getPrompt(prompt.slug, version);
    assert.equal(revision.provider, 'openai');
    assert.equal(revision.model, 'gpt-5.5');
    assert.equal(revision.memory, 'stateless');
    assert.equal(revision.systemInstruction, 'You answer for {{company}}.');
    assert.deepEqual(revision.messages, [{ role: 'user', content: 'Question: {{question}}' }]);
    assert.deepEqual(revision.responseFormat, { type: 'text' });
    assert.equal(revision.modelParams.temperature, 0.2);
    assert.deepEqual(revision.tools, []);
  }
  await assert.rejects(client.getPrompt(prompt.slug, 'no-such-tag'), (e) => e instanceof ApiError && e.statusCode === 404);
});

test('runPrompt with every option, then getPromptRun decodes the completed run', async () => {
  const first = await client.runPrompt(prompt.slug, 'production', { company: 'Acme', question: 'Why?' }, {
    priority: 'onsite',
    environment: 'staging',
    envVars: { CUSTOMER_TOKEN: 'tok-123' },
    metadata: { ticket: 'T-9', labels: ['a', 'b'] },
    channel: 'support',
  });
  const second = await client.runPrompt(prompt.slug, prompt.version, { company: 'Acme', question: 'And?' },
    { thread: first.thread });
  assert.equal(second.thread, first.thread, 'a continued thread keeps its id');

  const run = await waitUntilFinished((id) => client.getPromptRun(id), first.id);
  assert.equal(run.status, 'completed');
  assert.equal(run.output, '[simulated gpt-5.5] Question: Why?');
  assert.equal(run.tokenUsage.total, run.tokenUsage.input + run.tokenUsage.output);
});

test('runWorkflow and getWorkflowRun decode the WorkflowRun model', async () => {
  const workflow = await manage('POST', '/manage/v1/workflows', {
    name: `Conformance Flow ${Date.now()}`,
    draft: { nodes: [{ id: 'q', type: 'input', name: 'question' },
      { id: 'shout', type: 'string', name: 'Shout', settings: { operation: 'upper' } },
      { id: 'a', type: 'output', name: 'answer' }],
    edges: [{ from: 'q', to: 'shout' }, { from: 'shout', to: 'a' }] },
  });
  await manage('POST', `/manage/v1/workflows/${workflow.slug}/versions`, { changeNote: 'v1' });

  const { id, thread } = await client.runWorkflow(workflow.slug, '__latest__', { question: 'why?' }, { priority: 'low' });
  assert.match(thread, /^[0-9a-f-]{36}$/);
  const run = await waitUntilFinished((runId) => client.getWorkflowRun(runId), id);
  assert.equal(run.status, 'completed');
  assert.deepEqual(run.outputs, { answer: 'WHY?' });
  assert.deepEqual(run.errors, []);
  assert.ok(run.finishedAt instanceof Date);
});

test('createStreamToken decodes a StreamTokenResponse, also for a thread that does not exist yet', async () => {
  const thread = (await client.runPrompt(prompt.slug, prompt.version, { company: 'Acme', question: 'Stream?' })).thread;
  for (const id of [thread, crypto.randomUUID()]) {
    const grant = await client.createStreamToken(id);
    assert.match(grant.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok(grant.expiresAt instanceof Date && grant.expiresAt.getTime() > Date.now(), 'expiresAt is in the future');
    assert.equal(grant.url, `${gatewayUrl}/api/v1/threads/${id}/stream`);
  }
  const stranger = new PromptJuggler(await newTenant('e2e conformance stranger'), { baseUrl: gatewayUrl });
  await assert.rejects(stranger.createStreamToken(thread), (e) => e instanceof ApiError && e.statusCode === 404);
});
