// Exact public shapes: every /api/v1 response decoded by the official SDK, and its raw keys compared with the
// SDK's model properties (read from the installed SDK's types) and with the Go SDK's model fields (which decode
// with DisallowUnknownFields, so one extra key fails a Go client). docs/api.md, "Public shapes".
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PromptJuggler } from '@promptjuggler/sdk';
import { createKnowledgeBase, gatewayUrl, newTenant, publishPrompt, publishWorkflow, untilFinished }
  from '../support/platform.mjs';
import { enumValues, properties, PUBLIC_MODELS } from '../sdk/extract-models.mjs';

const types = readFileSync(new URL('../node_modules/@promptjuggler/sdk/dist/index.d.ts', import.meta.url), 'utf8');
const checkedIn = JSON.parse(readFileSync(new URL('../sdk/sdk-models.json', import.meta.url), 'utf8'));
const go = JSON.parse(readFileSync(new URL('../sdk/go-sdk-models.json', import.meta.url), 'utf8')).models;
// Left out on purpose so the Go and Java SDKs decode (docs/api.md, "Public shapes").
const LEFT_OUT = { TokenUsage: ['inputCacheWrite'], ModelCost: ['cacheWrite'] };

let key;
let client;
const answers = [];

/** The SDK's client, with every raw answer kept beside what it decoded. */
function recordingFetch(url, init) {
  return fetch(url, init).then(async (response) => {
    answers.push({ url: String(url), headers: response.headers, body: await response.clone().text() });
    return response;
  });
}

function rawOf(fragment) {
  const answer = answers.findLast((a) => a.url.includes(fragment));
  assert.ok(answer, `no answer for ${fragment}`);
  return { body: JSON.parse(answer.body), headers: answer.headers };
}

function assertShape(model, value) {
  const allowed = properties(types, model).map((p) => p.name).filter((n) => !(LEFT_OUT[model] ?? []).includes(n));
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  assert.deepEqual(extra, [], `${model} carries keys the SDK does not know`);
  const missing = properties(types, model).filter((p) => p.required).map((p) => p.name)
    .filter((n) => !(LEFT_OUT[model] ?? []).includes(n)).filter((n) => !(n in value));
  assert.deepEqual(missing, [], `${model} lacks required keys`);
  if (go[model]) {
    const unknownToGo = Object.keys(value).filter((k) => !go[model].includes(k));
    assert.deepEqual(unknownToGo, [], `${model} carries keys the Go SDK refuses`);
  }
}

before(async () => {
  key = await newTenant('e2e sdk shapes');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl, fetch: recordingFetch });
});

test('the checked-in model lists are the installed SDK\'s', () => {
  for (const model of PUBLIC_MODELS) assert.deepEqual(checkedIn.models[model], properties(types, model), model);
  assert.deepEqual(checkedIn.enums.Model, enumValues(types, 'Model'));
  assert.deepEqual(checkedIn.enums.Provider, enumValues(types, 'Provider'));
});

test('prompt runs, revisions and workflow runs decode and carry exactly the SDK\'s fields', async () => {
  const prompt = await publishPrompt(key, 'Shapes', {
    provider: 'openai', model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello {{name}}' }],
    modelParams: { temperature: 0.2 },
    tools: [{ type: 'emit', name: 'lead', failFast: false, paramsSchema: '{"type":"object"}' }],
  });
  const created = await client.runPrompt(prompt.slug, prompt.version, { name: 'Ada' });
  assertShape('CreatePromptRunResponse', rawOf('/runs').body);
  const run = await untilFinished((id) => client.getPromptRun(id), created.id);
  assert.equal(run.status, 'completed', run.error);
  const raw = rawOf(`/promptruns/${created.id}`);
  assertShape('PromptRun', raw.body);
  assertShape('TokenUsage', raw.body.tokenUsage);
  assertShape('RunCost', raw.body.cost);
  assertShape('ModelCost', raw.body.cost.success);
  assertShape('ModelCost', raw.body.cost.retries);
  assert.ok(raw.body.cost.total > 0, 'gpt-4o-mini is priced');
  for (const item of raw.body.transcript) {
    assertShape({ text: 'TranscriptText', tool: 'TranscriptTool', data: 'TranscriptData' }[item.type], item);
  }
  assert.equal(raw.headers.get('promptjuggler-revision-version'), String(prompt.version));
  assert.match(raw.headers.get('promptjuggler-revision-id'), /^[0-9a-f-]{36}$/);

  const revision = await client.getPrompt(prompt.slug, raw.headers.get('promptjuggler-revision-id'));
  assert.equal(revision.model, 'gpt-4o-mini');
  const rawRevision = rawOf(`/prompts/${prompt.slug}/`).body;
  assertShape('PromptRevision', rawRevision);
  assertShape('ModelParams', rawRevision.modelParams);
  assertShape('TextFormat', rawRevision.responseFormat);
  assertShape('Emit', rawRevision.tools[0]);
  assertShape('ContentMessageResponse', rawRevision.messages[0]);

  const workflow = await publishWorkflow(key, `Shapes flow ${Date.now()}`, {
    nodes: [{ id: 'in', type: 'input', name: 'name' },
      { id: 'p', type: 'prompt', name: 'Hello', settings: { prompt: prompt.slug, version: String(prompt.version) } },
      { id: 'out', type: 'output', name: 'greeting' }],
    edges: [{ from: 'in', to: 'p', toHandle: 'name' }, { from: 'p', to: 'out' }],
  });
  const workflowRun = await client.runWorkflow(workflow.slug, workflow.version, { name: 'Grace' });
  assertShape('CreateWorkflowRunResponse', rawOf('/runs').body);
  const finished = await untilFinished((id) => client.getWorkflowRun(id), workflowRun.id);
  assert.equal(finished.status, 'completed', JSON.stringify(finished.errors));
  const rawWorkflowRun = rawOf(`/workflowruns/${workflowRun.id}`);
  assertShape('WorkflowRun', rawWorkflowRun.body);
  assertShape('TokenUsage', rawWorkflowRun.body.tokenUsage);
  assertShape('ModelCost', rawWorkflowRun.body.cost.success);
  assert.equal(rawWorkflowRun.headers.get('promptjuggler-revision-version'), String(workflow.version));
});

test('knowledge responses decode and carry exactly the SDK\'s fields', async () => {
  const base = await createKnowledgeBase(key, `Shapes KB ${Date.now()}`);
  const [document] = await client.uploadDocuments(base.slug, [new File(['Shapes are exact.'], 'shapes.txt',
    { type: 'text/plain' })]);
  assertShape('KnowledgeDocumentResponse', rawOf('/documents').body[0]);
  await client.getKnowledgeDocument(document.id);
  assertShape('KnowledgeDocumentResponse', rawOf(`/knowledge-documents/${document.id}`).body);
  const found = await client.getKnowledgeBase(base.slug);
  assert.equal(found.documents.length, 1);
  const rawBase = rawOf(`/knowledge-bases/${base.slug}`).body;
  assertShape('KnowledgeBaseResponse', rawBase);
  assertShape('KnowledgeDocumentSummary', rawBase.documents[0]);
});
