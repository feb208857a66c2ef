// The tool loop, seen from a customer: the model (the simulator, scripted with `@tool name {json}` in the
// user text) calls the prompt's tools; what they did is read back through the official SDK's models.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { PromptJuggler } from '@promptjuggler/sdk';
import { manage } from '../support/webhooks.mjs';
import { createKnowledgeBase, gatewayUrl, newTenant, publishPrompt, publishWorkflow, untilFinished } from '../support/platform.mjs';

const crmSecret = `crm-${randomUUID()}`;
let key;
let client;
let crm;
const crmRequests = [];

const finished = (id) => untilFinished((runId) => client.getPromptRun(runId), id);

async function run(prompt, text, inputs = {}) {
  const { id } = await client.runPrompt(prompt.slug, prompt.version, { text, ...inputs });
  return finished(id);
}

const toolPrompt = (name, tools) => publishPrompt(key, `${name} ${randomUUID().slice(0, 8)}`, {
  provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content: '{{text}}' }], tools,
});

before(async () => {
  key = await newTenant('e2e tools');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  crm = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      crmRequests.push({ method: request.method, url: request.url, headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"tier":"gold"}');
    });
  });
  await new Promise((resolve) => crm.listen(0, '127.0.0.1', resolve));
  assert.equal((await manage(key, 'PUT', '/manage/v1/environment-variables/CRM_KEY', { value: crmSecret })).status, 200);
});

after(() => new Promise((resolve) => crm.close(resolve)));

test('emit: the payload lands in emitted and in the transcript; a payload off its schema fails a failFast tool', async () => {
  const prompt = await toolPrompt('Leads', [{ type: 'emit', name: 'lead', description: 'Record a lead', failFast: true,
    paramsSchema: JSON.stringify({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }) }]);

  const ok = await run(prompt, 'Found one. @tool lead {"name":"Ada"}');
  assert.equal(ok.status, 'completed', ok.error);
  assert.deepEqual(ok.emitted, [{ tool: 'lead', payload: { name: 'Ada' } }]);
  assert.deepEqual(ok.transcript, [
    { type: 'tool', name: 'lead', status: 'ok', queries: [], citations: [] },
    { type: 'data', tool: 'lead', payload: { name: 'Ada' } },
    { type: 'text', content: '[simulated gpt-5.5] lead: emitted', citations: [] },
  ]);
  assert.equal(ok.output, '[simulated gpt-5.5] lead: emitted');
  assert.ok(ok.tokenUsage.total > 0);

  const bad = await run(prompt, '@tool lead {"age":3}');
  assert.equal(bad.status, 'failed');
  assert.match(bad.error, /^tool 'lead' failed: the payload does not follow the schema: .*name/);
  assert.deepEqual(bad.emitted, []);
  assert.ok(bad.tokenUsage.total > 0, 'the turn before the failure still counts');
});

test('http: placeholders and a stored secret reach the endpoint; the answer goes back to the model', async () => {
  const prompt = await toolPrompt('Crm', [{ type: 'http', name: 'crm', description: 'Look up a customer', failFast: true,
    method: 'GET', url: `http://127.0.0.1:${crm.address().port}/customers/{{customer}}`,
    headers: [{ key: 'X-Api-Key', value: '${CRM_KEY}' }],
    paramsSchema: JSON.stringify({ type: 'object', properties: { fields: { type: 'string' } } }) }]);

  const done = await run(prompt, '@tool crm {"fields":"tier"}', { customer: 'acme' });
  assert.equal(done.status, 'completed', done.error);
  assert.equal(done.output, '[simulated gpt-5.5] crm: {"tier":"gold"}');
  const seen = crmRequests.at(-1);
  assert.equal(seen.method, 'GET');
  assert.equal(seen.url, '/customers/acme?fields=tier');
  assert.equal(seen.headers['x-api-key'], crmSecret);
  assert.deepEqual(done.transcript.map((item) => [item.type, item.name ?? null, item.status ?? null]),
    [['tool', 'crm', 'ok'], ['text', null, null]]);
});

test('http: private and metadata addresses are refused; the model is told, and the run goes on', async () => {
  const prompt = await toolPrompt('Metadata', [{ type: 'http', name: 'meta', failFast: false, method: 'GET',
    url: 'http://169.254.169.254/latest/meta-data/', paramsSchema: '{"type":"object"}' }]);
  const done = await run(prompt, '@tool meta {}');
  assert.equal(done.status, 'completed', done.error);
  assert.equal(done.output, '[simulated gpt-5.5] meta: refused: 169.254.169.254 resolves to 169.254.169.254 is not a public address');
  assert.deepEqual(done.transcript[0], { type: 'tool', name: 'meta', status: 'error', queries: [], citations: [] });
});

test('prompt: a nested published prompt answers the call; its tokens count towards the run', async () => {
  const translator = await publishPrompt(key, `Translator ${randomUUID().slice(0, 8)}`, {
    provider: 'openai', model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'Translate {{phrase}}' }] });
  const prompt = await toolPrompt('Caller', [{ type: 'prompt', name: 'translate', failFast: true,
    versionRef: { definitionId: translator.slug, idOrTag: translator.version } }]);

  const done = await run(prompt, '@tool translate {"phrase":"bonjour"}');
  assert.equal(done.status, 'completed', done.error);
  assert.equal(done.output, '[simulated gpt-5.5] translate: [simulated gpt-5.4-mini] Translate bonjour');
  // Two turns of the caller and one of the nested prompt.
  const alone = await run(await toolPrompt('Plain', []), '@tool translate {"phrase":"bonjour"}');
  assert.ok(done.tokenUsage.input > alone.tokenUsage.input + 2, 'the nested turn and the second turn are counted');
});

test('knowledge_search: the model gets the best chunks of a knowledge base ingested here', async () => {
  const base = await createKnowledgeBase(key, `Handbook ${randomUUID().slice(0, 8)}`);
  const [document] = await client.uploadDocuments(base.slug, [new File(
    ['# Shipping\n\nParcels to Iceland take nine working days and travel by sea freight.\n'], 'shipping.md',
    { type: 'text/markdown' })]);
  for (let i = 0; i < 240 && (await client.getKnowledgeDocument(document.id)).status !== 'ready'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const prompt = await toolPrompt('Support', [{ type: 'knowledge_search', name: 'handbook', failFast: true,
    knowledgeBaseId: base.id }]);

  const done = await run(prompt, '@tool handbook {"query":"how long does delivery to Iceland take?"}');
  assert.equal(done.status, 'completed', done.error);
  assert.match(done.output, /^\[simulated gpt-5\.5\] handbook: \[\{.*nine working days.*\}\]$/);
  assert.match(done.output, /"fileName":"shipping.md"/);
});

test('workflow: a published workflow runs inside the prompt run; its outputs are the result', async () => {
  const step = await publishPrompt(key, `Step ${randomUUID().slice(0, 8)}`, {
    provider: 'openai', model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'Plan {{goal}}' }] });
  const workflow = await publishWorkflow(key, `Planner ${randomUUID().slice(0, 8)}`, {
    nodes: [{ id: 'goal', type: 'input', name: 'goal' },
      { id: 'p', type: 'prompt', name: 'Plan', settings: { prompt: step.slug, version: step.version } },
      { id: 'out', type: 'output', name: 'plan' }],
    edges: [{ from: 'goal', to: 'p', toHandle: 'goal' }, { from: 'p', to: 'out' }],
  });
  const prompt = await toolPrompt('Flow', [{ type: 'workflow', name: 'planner', failFast: true,
    versionRef: { definitionId: workflow.slug, idOrTag: workflow.version } }]);

  const done = await run(prompt, '@tool planner {"goal":"a picnic"}');
  assert.equal(done.status, 'completed', done.error);
  assert.equal(done.output, '[simulated gpt-5.5] planner: {"plan":"[simulated gpt-5.4-mini] Plan a picnic"}');
  const alone = await run(await toolPrompt('Plain', []), '@tool planner {"goal":"a picnic"}');
  assert.ok(done.tokenUsage.total > alone.tokenUsage.total + 5, 'the nested workflow\'s prompt is counted');
});

test('mcp and script tools fail the run clearly', async () => {
  const mcp = await toolPrompt('Mcp', [{ type: 'mcp', name: 'files', url: 'https://mcp.example.com' }]);
  const viaMcp = await run(mcp, 'hello');
  assert.equal(viaMcp.status, 'failed');
  assert.equal(viaMcp.error, "tool 'files': mcp tools are not supported by this deployment");
  assert.equal(viaMcp.tokenUsage, undefined, 'no model turn was taken');

  const script = await toolPrompt('Script', [{ type: 'script', name: 'calc', failFast: true, language: 'python', code: 'print(1)' }]);
  const viaScript = await run(script, 'hello');
  assert.equal(viaScript.status, 'failed');
  assert.equal(viaScript.error, "tool 'calc': script tools are not supported by this deployment");
});
