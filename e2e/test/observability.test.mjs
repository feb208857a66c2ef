// What an operator sees: each service's /q/metrics moves by exactly the work done (a prompt run with a tool call
// and a provider call retried once, a workflow run, a document, their webhooks), and every metric the Grafana dashboard and the alert rules read
// (deploy/k8s/base/monitoring) is in a real scrape of the running services.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { PromptJuggler } from '@promptjuggler/sdk';
import { gatewayUrl, newTenant, publishPrompt, publishWorkflow, registerWebhook, startReceiver, untilFinished,
  createKnowledgeBase } from '../support/platform.mjs';
import { eventually } from '../support/webhooks.mjs';

const simulatorUrl = `http://127.0.0.1:${process.env.PJ_SIMULATOR_PORT ?? 18090}`;
const monitoring = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'deploy', 'k8s', 'base', 'monitoring');
const SERVICES = {
  'api-gateway': process.env.PJ_GATEWAY_PORT ?? 18080,
  'run-executor': process.env.PJ_EXECUTOR_PORT ?? 18081,
  'webhook-dispatcher': process.env.PJ_DISPATCHER_PORT ?? 18082,
  'knowledge-ingest': process.env.PJ_INGEST_PORT ?? 18083,
};

/** Every sample of every service: [{ name, labels, value }]. */
async function scrape() {
  const samples = [];
  for (const port of Object.values(SERVICES)) {
    const text = await (await fetch(`http://127.0.0.1:${port}/q/metrics`)).text();
    for (const line of text.split('\n')) {
      // With tracing on, a sample may end with an exemplar (` # {span_id=…,trace_id=…} 1.0 <time>`).
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*?)\})? (\S+)(?: # \{.*)?$/.exec(line);
      if (!m) continue;
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
      samples.push({ name: m[1], labels, value: Number(m[3]) });
    }
  }
  return samples;
}

const sum = (samples, name, labels = {}) => samples
  .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  .reduce((total, s) => total + s.value, 0);

/** The metric names a PromQL expression reads: label matchers, grouping clauses, functions and keywords left out. */
function metricNames(expr) {
  const stripped = expr.replace(/\{[^}]*\}/g, ' ').replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ').replace(/"[^"]*"/g, ' ');
  return [...stripped.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b\s*(\()?/g)]
    .filter((m) => !m[2] && !/^(and|or|unless|bool|offset)$/.test(m[1]) && !/^\d/.test(m[1]))
    .map((m) => m[1]);
}

let key;
let client;
let receiver;

before(async () => {
  key = await newTenant('e2e observability');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  receiver = await startReceiver();
  await registerWebhook(key, receiver.url, ['promptrun.finished', 'workflowrun.finished']);
});

after(() => receiver.close());

test('the counters move by exactly the work done, and every metric of the dashboard and the alerts is scraped', async () => {
  const leads = await publishPrompt(key, 'Observed leads', {
    provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content: '{{text}}' }],
    tools: [{ type: 'emit', name: 'lead', description: 'Record a lead', failFast: false,
      paramsSchema: JSON.stringify({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }) }],
  });
  const step = await publishPrompt(key, 'Observed step', {
    provider: 'openai', model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Summarise {{text}}' }] });
  const workflow = await publishWorkflow(key, 'Observed flow', {
    nodes: [{ id: 'in', type: 'input', name: 'text' }, { id: 'p', type: 'prompt', name: 'Summary',
      settings: { prompt: step.slug, version: step.version } }, { id: 'out', type: 'output', name: 'summary' }],
    edges: [{ from: 'in', to: 'p', toHandle: 'text' }, { from: 'p', to: 'out' }],
  });
  const base = await createKnowledgeBase(key, 'Observed manual');
  // The prompt run's first call is refused once with a 503 (the simulator's scripted failures), then retried.
  const flaky = `flaky-observed-${randomUUID()}`;
  const scripted = await fetch(`${simulatorUrl}/__simulator/failures`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ contains: flaky, responses: [{ status: 503 }] }) });
  assert.ok(scripted.ok, `scripting a failure answered ${scripted.status}`);
  const before = await scrape();

  const promptRun = await client.runPrompt(leads.slug, leads.version,
    { text: `Found one. @tool lead {"name":"Ada"} ${flaky}` });
  const workflowRun = await client.runWorkflow(workflow.slug, workflow.version, { text: 'the report' });
  const [document] = await client.uploadDocuments(base.slug, [new File(['# Kettles\n\nThey boil water.\n'], 'kettles.md',
    { type: 'text/markdown' })]);
  assert.equal((await untilFinished((id) => client.getPromptRun(id), promptRun.id)).status, 'completed');
  assert.equal((await untilFinished((id) => client.getWorkflowRun(id), workflowRun.id)).status, 'completed');
  await eventually(async () => (await client.getKnowledgeDocument(document.id)).status === 'ready');
  await receiver.waitFor((d) => d.rawBody.includes(promptRun.id));
  await receiver.waitFor((d) => d.rawBody.includes(workflowRun.id));

  const expected = [
    ['gateway_runs_accepted_total', { kind: 'prompt', priority: 'normal' }, 1],
    ['gateway_runs_accepted_total', { kind: 'workflow', priority: 'normal' }, 1],
    ['executor_runs_finished_total', { kind: 'prompt', priority: 'normal', status: 'completed' }, 1],
    ['executor_runs_finished_total', { kind: 'workflow', priority: 'normal', status: 'completed' }, 1],
    ['executor_runs_finished_total', { status: 'failed' }, 0],
    ['executor_runs_queue_wait_seconds_count', { priority: 'normal' }, 2],
    // The prompt run: a refused call, its retry calling the tool, a turn answering; the workflow's node: one turn.
    ['executor_provider_calls_seconds_count', { provider: 'openai', model: 'gpt-5.5', outcome: 'ok' }, 2],
    ['executor_provider_calls_seconds_count', { provider: 'openai', model: 'gpt-5.5', outcome: 'server_error' }, 1],
    ['executor_provider_retries_total', { provider: 'openai', model: 'gpt-5.5' }, 1],
    ['executor_provider_calls_seconds_count', { provider: 'openai', model: 'gpt-5-mini', outcome: 'ok' }, 1],
    ['executor_tool_calls_total', { outcome: 'ok' }, 1],
    ['executor_workflow_nodes_total', { type: 'prompt', status: 'completed' }, 1],
    ['executor_workflow_nodes_total', { type: 'input', status: 'completed' }, 1],
    ['ingest_documents_finished_total', { status: 'ready' }, 1],
    ['webhook_attempts_seconds_count', { outcome: 'delivered', first: 'true' }, 2],
  ];
  // Counters move when each item's end is recorded, just after what the test waited for.
  let moved;
  await eventually(async () => {
    const now = await scrape();
    moved = expected.map(([name, labels]) => [name, labels, sum(now, name, labels) - sum(before, name, labels)]);
    return moved.every(([, , delta], i) => delta === expected[i][2]);
  }, 30_000).catch(() => {});
  assert.deepEqual(moved, expected);

  const names = new Set((await scrape()).map((s) => s.name));
  const dashboard = JSON.parse(readFileSync(join(monitoring, 'promptjuggler-dashboard.json'), 'utf8'));
  const rules = parse(readFileSync(join(monitoring, 'alerts.yaml'), 'utf8')).spec.groups.flatMap((g) => g.rules);
  const expressions = [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...rules.map((r) => r.expr)];
  const used = new Set(expressions.flatMap(metricNames));
  assert.ok(used.size > 15, `metric names found in the expressions: ${[...used]}`);
  assert.deepEqual([...used].filter((name) => !names.has(name)), [], 'every metric the dashboard and the alerts read is scraped');
});
