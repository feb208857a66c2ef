// One trace per run, as an operator's collector sees it and a customer's webhook receiver can continue it: the
// stack exports spans over OTLP to a receiver this test starts on PJ_OTLP_PORT (platform's test_suite points the
// services there). A prompt run, a workflow run with a tool and a document upload each make one trace covering
// every service and hop, with the right parent links; the webhook request's traceparent names the delivery
// attempt's span of that trace, and no span carries prompt text. Knowledge searches (a prompt's knowledge_search
// tool, a workflow's KB Search node, the management search) continue the trace they serve into knowledge-ingest and
// the embedding of the query.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { PromptJuggler } from '@promptjuggler/sdk';
import { createKnowledgeBase, gatewayUrl, newTenant, publishPrompt, publishWorkflow, registerWebhook, startReceiver,
  untilFinished } from '../support/platform.mjs';
import { eventually } from '../support/webhooks.mjs';
import { startOtlpReceiver } from '../support/otlp.mjs';

let otlp;
let receiver;
let key;
let client;

before(async () => {
  otlp = await startOtlpReceiver();
  receiver = await startReceiver();
  key = await newTenant('e2e traces');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
});

after(async () => {
  await receiver?.close();
  await otlp?.close();
});

const summary = (spans) => spans.map((s) => `${s.service}:${s.kind}:${s.name}`).join(', ');

/** The one span of `spans` that `matches`; fails naming what the trace holds. */
function one(spans, what, matches) {
  const found = spans.filter(matches);
  assert.equal(found.length, 1, `${what}: ${found.length} spans match; the trace has ${summary(spans)}`);
  return found[0];
}

const under = (parent) => (span) => span.parentSpanId === parent.spanId;

/**
 * The trace a webhook delivery continues (its traceparent), once it holds `attempts` delivery attempts and every
 * span's parent: spans are exported as they end, so a parent still missing is one still on its way. A leaf's spans
 * (a service called within the run, such as knowledge-ingest) leave no hole while on their way: `alsoHolds` waits
 * for them.
 */
async function traceOf(delivery, attempts = 1, alsoHolds = () => true) {
  const complete = (trace) => {
    const ids = new Set(trace.map((s) => s.spanId));
    return trace.filter((s) => s.name === 'webhook delivery').length >= attempts
      && trace.some((s) => s.parentSpanId === '') && trace.every((s) => s.parentSpanId === '' || ids.has(s.parentSpanId))
      && alsoHolds(trace);
  };
  const traceparent = delivery.headers.traceparent;
  assert.match(traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/, 'the webhook request carries a sampled traceparent');
  const [, traceId, spanId] = traceparent.split('-');
  try {
    await eventually(() => complete(otlp.trace(traceId)), 60_000, 250);
  } catch {
    assert.fail(`trace ${traceId} incomplete after 60 s (${otlp.spans.length} spans received in all; is the stack`
      + ` started with QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${process.env.PJ_OTLP_PORT ?? 28318}?):`
      + ` ${summary(otlp.trace(traceId))}`);
  }
  return { spans: otlp.trace(traceId), deliverySpanId: spanId };
}

/** api-gateway's part: the request is the trace's root, its record on `topic` is published under it. */
function gatewayHops(spans, topic) {
  const request = one(spans, 'the api-gateway request', (s) => s.service === 'api-gateway' && s.kind === 'server'
    && s.parentSpanId === '');
  const publish = one(spans, `the record on ${topic}`, (s) => s.service === 'api-gateway' && s.kind === 'producer'
    && s.name.includes(topic) && under(request)(s));
  return { request, publish };
}

/** run-executor's run span (under the gateway's record) with its claim, and runs.finished published under it. */
function executorHops(spans, publish, runId) {
  const run = one(spans, 'the run in run-executor', (s) => s.service === 'run-executor' && s.kind === 'consumer'
    && under(publish)(s));
  assert.equal(run.attributes['promptjuggler.run.id'], runId);
  one(spans, 'the claim', (s) => s.name === 'claim' && under(run)(s));
  const finished = one(spans, 'the record on runs.finished', (s) => s.service === 'run-executor'
    && s.kind === 'producer' && s.name.includes('runs.finished') && under(run)(s));
  return { run, finished };
}

/** webhook-dispatcher's fan-out of the event under its record, and the delivery attempt whose traceparent the webhook carried. */
function dispatcherHops(spans, record, eventType, endpointId, deliverySpanId) {
  const fanOut = one(spans, `the fan-out of ${eventType}`, (s) => s.service === 'webhook-dispatcher'
    && s.name === `fan-out ${eventType}` && under(record)(s));
  const attempt = one(spans, `the delivery attempt of ${eventType}`, (s) => s.name === 'webhook delivery'
    && under(fanOut)(s));
  assert.equal(attempt.spanId, deliverySpanId, "the webhook's traceparent names the attempt's span");
  assert.equal(attempt.attributes['promptjuggler.endpoint.id'], endpointId);
  assert.equal(attempt.attributes['promptjuggler.delivery.attempt'], 1);
  assert.equal(attempt.attributes['http.response.status_code'], 204);
  return attempt;
}

function assertProviderCall(span, provider, model) {
  assert.equal(span.attributes['gen_ai.provider.name'], provider);
  assert.equal(span.attributes['gen_ai.request.model'], model);
  assert.equal(span.attributes['http.response.status_code'], 200);
  assert.ok(span.attributes['gen_ai.usage.input_tokens'] > 0, 'input tokens');
  assert.ok(span.attributes['gen_ai.usage.output_tokens'] > 0, 'output tokens');
}

function assertNoPromptText(spans, text) {
  const leaking = spans.filter((s) => JSON.stringify(s).includes(text));
  assert.deepEqual(leaking.map((s) => s.name), [], 'no span carries the prompt text');
}

test('a prompt run is one trace from the create-run request to the webhook attempt', { timeout: 120_000 }, async () => {
  const secretText = `private-${randomUUID()}`;
  const prompt = await publishPrompt(key, 'Traced prompt', {
    provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content: 'Hello {{name}}' }] });
  const webhook = await registerWebhook(key, `${receiver.url}/prompt`, ['promptrun.finished']);

  const { id } = await client.runPrompt(prompt.slug, prompt.version, { name: secretText });
  assert.equal((await untilFinished((runId) => client.getPromptRun(runId), id)).status, 'completed');
  const delivery = await receiver.waitFor((d) => d.headers['promptjuggler-event'] === 'promptrun.finished'
    && JSON.parse(d.rawBody).id === id);

  const { spans, deliverySpanId } = await traceOf(delivery);
  const { publish } = gatewayHops(spans, 'runs.normal');
  const { run, finished } = executorHops(spans, publish, id);
  assertProviderCall(one(spans, 'the provider call', (s) => s.kind === 'client' && under(run)(s)), 'openai', 'gpt-5.5');
  dispatcherHops(spans, finished, 'promptrun.finished', webhook.id, deliverySpanId);
  assertNoPromptText(spans, secretText);
});

test('a workflow run with a tool: its nodes, provider calls and tool call are spans of the run', { timeout: 120_000 }, async () => {
  const prompt = await publishPrompt(key, 'Traced leads', {
    provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content: '{{text}}' }],
    tools: [{ type: 'emit', name: 'lead', description: 'Record a lead', failFast: false,
      paramsSchema: JSON.stringify({ type: 'object', properties: { name: { type: 'string' } } }) }] });
  const workflow = await publishWorkflow(key, 'Traced flow', {
    nodes: [{ id: 'in', type: 'input', name: 'text' },
      { id: 'p', type: 'prompt', name: 'Leads', settings: { prompt: prompt.slug, version: prompt.version } },
      { id: 'out', type: 'output', name: 'answer' }],
    edges: [{ from: 'in', to: 'p', toHandle: 'text' }, { from: 'p', to: 'out' }],
  });
  const webhook = await registerWebhook(key, `${receiver.url}/workflow`, ['workflowrun.finished']);

  const { id } = await client.runWorkflow(workflow.slug, workflow.version, { text: 'Found one. @tool lead {"name":"Ada"}' });
  const done = await untilFinished((runId) => client.getWorkflowRun(runId), id);
  assert.equal(done.status, 'completed', JSON.stringify(done.errors));
  const delivery = await receiver.waitFor((d) => d.headers['promptjuggler-event'] === 'workflowrun.finished'
    && JSON.parse(d.rawBody).id === id);

  const { spans, deliverySpanId } = await traceOf(delivery);
  const { publish } = gatewayHops(spans, 'runs.normal');
  const { run, finished } = executorHops(spans, publish, id);
  const nodes = spans.filter((s) => s.name.startsWith('workflow node') && under(run)(s));
  assert.deepEqual(nodes.map((s) => s.attributes['promptjuggler.node.id']).sort(), ['in', 'out', 'p']);
  const node = nodes.find((s) => s.attributes['promptjuggler.node.id'] === 'p');
  assert.equal(node.attributes['promptjuggler.node.type'], 'prompt');
  assert.equal(node.attributes['promptjuggler.node.status'], 'completed');
  const calls = spans.filter((s) => s.kind === 'client' && under(node)(s));
  assert.equal(calls.length, 2, `two turns: the tool call, then the answer (${summary(spans)})`);
  calls.forEach((call) => assertProviderCall(call, 'openai', 'gpt-5.5'));
  const tool = one(spans, 'the tool call', (s) => s.name === 'execute_tool lead' && under(node)(s));
  assert.equal(tool.attributes['gen_ai.tool.name'], 'lead');
  dispatcherHops(spans, finished, 'workflowrun.finished', webhook.id, deliverySpanId);
  assertNoPromptText(spans, '@tool lead');
});

test('a document upload is one trace to knowledgebase.finished and its webhooks', { timeout: 120_000 }, async () => {
  const base = await createKnowledgeBase(key, 'Traced base');
  const webhook = await registerWebhook(key, `${receiver.url}/knowledge`, ['knowledgedocument.finished', 'knowledgebase.finished']);

  const [document] = await client.uploadDocuments(base.slug, [new File(['Traces reach the end.'], 'traced.txt',
    { type: 'text/plain' })]);
  const about = (event, id) => (d) => d.headers['promptjuggler-event'] === event && JSON.parse(d.rawBody).id === id;
  const baseDelivery = await receiver.waitFor(about('knowledgebase.finished', base.id));
  const documentDelivery = await receiver.waitFor(about('knowledgedocument.finished', document.id));
  assert.equal(documentDelivery.headers.traceparent.split('-')[1], baseDelivery.headers.traceparent.split('-')[1],
    'both notices belong to the upload trace');

  const { spans, deliverySpanId } = await traceOf(baseDelivery, 2);
  const { publish } = gatewayHops(spans, 'knowledge.uploaded');
  const received = one(spans, 'the record in knowledge-ingest', (s) => s.service === 'knowledge-ingest'
    && s.kind === 'consumer' && under(publish)(s));
  const processing = one(spans, "the document's processing", (s) => s.name === 'process document' && under(received)(s));
  assert.equal(processing.attributes['promptjuggler.document.id'], document.id);
  const notices = spans.filter((s) => s.service === 'knowledge-ingest' && s.kind === 'producer' && under(processing)(s));
  assert.equal(notices.length, 2, `both notices are published under the processing (${summary(spans)})`);
  const attempts = notices.map((notice) => spans.find((s) => s.name.startsWith('fan-out') && under(notice)(s)))
    .map((fanOut) => {
      assert.ok(fanOut, `every notice is fanned out (${summary(spans)})`);
      return fanOut.name.slice('fan-out '.length);
    });
  assert.deepEqual(attempts.sort(), ['knowledgebase.finished', 'knowledgedocument.finished']);
  const baseNotice = notices.find((notice) => spans.some((s) => s.name === 'fan-out knowledgebase.finished' && under(notice)(s)));
  dispatcherHops(spans, baseNotice, 'knowledgebase.finished', webhook.id, deliverySpanId);
});

/** Whether knowledge-ingest's spans of a search (the request and the query's embedding) have arrived. */
const searched = (trace) => trace.some((s) => s.service === 'knowledge-ingest' && s.kind === 'server')
  && trace.some((s) => s.service === 'knowledge-ingest' && s.name.startsWith('embeddings'));

/** knowledge-ingest's search under `caller` (the request that called it), and the query's embedding under that. */
function searchHops(spans, caller) {
  const served = one(spans, 'the search in knowledge-ingest', (s) => s.service === 'knowledge-ingest' && s.kind === 'server'
    && under(caller)(s));
  assert.match(served.name, /search/);
  const embedding = one(spans, "the query's embedding", (s) => s.service === 'knowledge-ingest'
    && s.name.startsWith('embeddings') && under(served)(s));
  assert.equal(embedding.attributes['gen_ai.provider.name'], 'local');
  return served;
}

test("knowledge searches continue the run's trace: the knowledge_search tool's and the KB Search node's", { timeout: 120_000 }, async () => {
  const base = await createKnowledgeBase(key, `Traced handbook ${randomUUID().slice(0, 8)}`);
  const prompt = await publishPrompt(key, 'Traced support', {
    provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content: '{{question}}' }],
    tools: [{ type: 'knowledge_search', name: 'handbook', failFast: true, knowledgeBaseId: base.id }] });
  const workflow = await publishWorkflow(key, 'Traced lookup', {
    nodes: [{ id: 'q', type: 'input', name: 'query' },
      { id: 'kb', type: 'kb_search', name: 'Handbook', settings: { knowledgeBase: base.slug, topK: 2 } },
      { id: 'out', type: 'output', name: 'hits' }],
    edges: [{ from: 'q', to: 'kb', toHandle: 'query' }, { from: 'kb', to: 'out' }],
  });
  await registerWebhook(key, `${receiver.url}/search`, ['promptrun.finished', 'workflowrun.finished']);

  const promptRun = await client.runPrompt(prompt.slug, prompt.version, { question: '@tool handbook {"query":"refunds"}' });
  assert.equal((await untilFinished((runId) => client.getPromptRun(runId), promptRun.id)).status, 'completed');
  const promptDelivery = await receiver.waitFor((d) => d.headers['promptjuggler-event'] === 'promptrun.finished'
    && JSON.parse(d.rawBody).id === promptRun.id);
  const prompted = (await traceOf(promptDelivery, 1, searched)).spans;
  const { run } = executorHops(prompted, gatewayHops(prompted, 'runs.normal').publish, promptRun.id);
  const tool = one(prompted, 'the tool call', (s) => s.name === 'execute_tool handbook' && under(run)(s));
  const search = one(prompted, "the tool's search", (s) => s.service === 'run-executor' && s.kind === 'client'
    && s.name === 'knowledge search' && under(tool)(s));
  assert.equal(search.attributes['promptjuggler.knowledge_base.id'], base.id);
  assert.equal(search.attributes['http.response.status_code'], 200);
  searchHops(prompted, search);

  const workflowRun = await client.runWorkflow(workflow.slug, workflow.version, { query: 'refunds' });
  const done = await untilFinished((runId) => client.getWorkflowRun(runId), workflowRun.id);
  assert.equal(done.status, 'completed', JSON.stringify(done.errors));
  const workflowDelivery = await receiver.waitFor((d) => d.headers['promptjuggler-event'] === 'workflowrun.finished'
    && JSON.parse(d.rawBody).id === workflowRun.id);
  const walked = (await traceOf(workflowDelivery, 1, searched)).spans;
  const node = one(walked, 'the KB Search node', (s) => s.name === 'workflow node kb_search'
    && under(executorHops(walked, gatewayHops(walked, 'runs.normal').publish, workflowRun.id).run)(s));
  searchHops(walked, one(walked, "the node's search", (s) => s.name === 'knowledge search' && under(node)(s)));
});

test("the management search continues its caller's trace into knowledge-ingest", { timeout: 120_000 }, async () => {
  const base = await createKnowledgeBase(key, `Traced search ${randomUUID().slice(0, 8)}`);
  const traceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');
  const response = await fetch(`${gatewayUrl}/manage/v1/knowledge-bases/${base.slug}/search`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json',
      traceparent: `00-${traceId}-${callerSpanId}-01` },
    body: JSON.stringify({ query: 'refunds' }),
  });
  assert.equal(response.status, 200, await response.text());

  // Spans are exported as they end: the gateway's request ends last.
  const complete = (trace) => trace.some((s) => s.name.startsWith('embeddings'))
    && trace.some((s) => s.service === 'api-gateway' && s.kind === 'server');
  try {
    await eventually(() => complete(otlp.trace(traceId)), 60_000, 250);
  } catch {
    assert.fail(`trace ${traceId} incomplete after 60 s: ${summary(otlp.trace(traceId))}`);
  }
  const spans = otlp.trace(traceId);
  const request = one(spans, 'the api-gateway request', (s) => s.service === 'api-gateway' && s.kind === 'server'
    && s.parentSpanId === callerSpanId);
  const call = one(spans, "the gateway's call of knowledge-ingest", (s) => s.service === 'api-gateway'
    && s.kind === 'client' && under(request)(s));
  searchHops(spans, call);
});
