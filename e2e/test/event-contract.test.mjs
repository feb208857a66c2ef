// The contract of the public topics, as an outside Kafka subscriber meets it: docs/asyncapi.yaml is valid
// AsyncAPI, and after real work (a prompt run, a workflow run, a document upload) every record on
// runs.finished and knowledge.finished — this test's and all earlier ones' — carries the CloudEvents headers
// and a payload its schema accepts, declares no field the document does not, and agrees with its key.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PromptJuggler } from '@promptjuggler/sdk';
import { createKnowledgeBase, gatewayUrl, newTenant, publishPrompt, publishWorkflow, untilFinished } from '../support/platform.mjs';
import { contract, parseAsyncApi, readTopics } from '../support/events.mjs';

const PUBLIC_TOPICS = ['runs.finished', 'knowledge.finished'];
let asyncApi;

before(async () => {
  const parsed = await parseAsyncApi();
  asyncApi = parsed.document;
  const problems = parsed.diagnostics.filter((d) => d.severity <= 1);
  assert.deepEqual(problems.map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`), []);
});

test('docs/asyncapi.yaml is valid AsyncAPI describing both public topics and their four events', () => {
  assert.ok(asyncApi, 'the parser produced a document');
  const byTopic = contract(asyncApi);
  assert.deepEqual([...byTopic.keys()].sort(), [...PUBLIC_TOPICS].sort());
  assert.deepEqual([...byTopic.get('runs.finished').keys()].sort(), ['promptrun.finished', 'workflowrun.finished']);
  assert.deepEqual([...byTopic.get('knowledge.finished').keys()].sort(), ['knowledgebase.finished', 'knowledgedocument.finished']);
  // The document's own examples satisfy its schemas.
  for (const channel of asyncApi.channels().all()) {
    for (const message of channel.messages().all()) {
      const { headers, payload } = byTopic.get(channel.address()).get(message.name());
      assert.ok(message.examples().all().length > 0, `${message.name()} has an example`);
      for (const example of message.examples().all()) {
        assert.ok(headers(example.headers()), `${message.name()} example headers: ${JSON.stringify(headers.errors)}`);
        assert.ok(payload(example.payload()), `${message.name()} example payload: ${JSON.stringify(payload.errors)}`);
      }
    }
  }
});

test('every record on the public topics, after real work, conforms to the document', { timeout: 240_000 }, async () => {
  const key = await newTenant('e2e event contract');
  const client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  const prompt = await publishPrompt(key, 'Contract prompt', {
    provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content: 'Hello {{name}}' }] });
  const workflow = await publishWorkflow(key, 'Contract flow', {
    nodes: [{ id: 'in', type: 'input', name: 'text' },
      { id: 'p', type: 'prompt', name: 'Echo', settings: { prompt: prompt.slug, version: prompt.version } },
      { id: 'out', type: 'output', name: 'echo' }],
    edges: [{ from: 'in', to: 'p', toHandle: 'name' }, { from: 'p', to: 'out' }],
  });
  const promptRun = await client.runPrompt(prompt.slug, prompt.version, { name: 'Ada' });
  const workflowRun = await client.runWorkflow(workflow.slug, workflow.version, { text: 'Grace' });
  const base = await createKnowledgeBase(key, 'Contract base');
  const [document] = await client.uploadDocuments(base.slug, [new File(['The contract holds.'], 'contract.txt', { type: 'text/plain' })]);
  assert.equal((await untilFinished((id) => client.getPromptRun(id), promptRun.id)).status, 'completed');
  assert.equal((await untilFinished((id) => client.getWorkflowRun(id), workflowRun.id)).status, 'completed');

  const ours = (records) => ({
    prompt: records.find((r) => r.headers.ce_type === 'promptrun.finished' && r.headers.ce_subject === promptRun.id),
    workflow: records.find((r) => r.headers.ce_type === 'workflowrun.finished' && r.headers.ce_subject === workflowRun.id),
    document: records.find((r) => r.headers.ce_type === 'knowledgedocument.finished' && r.headers.ce_subject === document.id),
    base: records.find((r) => r.headers.ce_type === 'knowledgebase.finished' && r.headers.ce_subject === base.id),
  });
  const records = await readTopics(PUBLIC_TOPICS, (all) => Object.values(ours(all)).every(Boolean));

  const byTopic = contract(asyncApi);
  const problems = [];
  for (const record of records) {
    const where = `${record.topic}/${record.partition}@${record.offset}`;
    const message = byTopic.get(record.topic).get(record.headers.ce_type);
    if (!message) {
      problems.push(`${where}: ce_type ${record.headers.ce_type} is not in the document`);
      continue;
    }
    let payload;
    try {
      payload = JSON.parse(record.value);
    } catch {
      problems.push(`${where}: the value is not JSON`);
      continue;
    }
    if (!message.headers(record.headers)) problems.push(`${where}: headers ${JSON.stringify(message.headers.errors)}`);
    if (!message.payload(payload)) problems.push(`${where}: payload ${JSON.stringify(message.payload.errors)}`);
    if (!message.key(record.key)) problems.push(`${where}: key ${record.key} ${JSON.stringify(message.key.errors)}`);
    for (const name of Object.keys(record.headers).filter((h) => h.startsWith('ce_') || h === 'traceparent')) {
      if (!message.headerNames.has(name)) problems.push(`${where}: header ${name} is not in the document`);
    }
    for (const name of Object.keys(payload)) {
      if (!message.payloadNames.has(name)) problems.push(`${where}: payload field ${name} is not in the document`);
    }
    // What the document promises beyond the schemas: the tenant header, the subject and the key.
    if (record.headers.ce_pjtenant !== payload.tenantId) problems.push(`${where}: ce_pjtenant differs from tenantId`);
    const subject = { 'runs.finished': payload.runId, 'knowledgedocument.finished': payload.documentId,
      'knowledgebase.finished': payload.knowledgeBaseId };
    if (record.headers.ce_subject !== (record.topic === 'runs.finished' ? subject[record.topic] : subject[record.headers.ce_type])) {
      problems.push(`${where}: ce_subject ${record.headers.ce_subject} is not the event's own id`);
    }
    if (record.key !== (record.topic === 'runs.finished' ? payload.runId : payload.knowledgeBaseId)) {
      problems.push(`${where}: key ${record.key} is not the ${record.topic === 'runs.finished' ? 'run' : 'knowledge base'} id`);
    }
  }
  assert.deepEqual(problems, []);

  const mine = ours(records);
  assert.equal(JSON.parse(mine.prompt.value).kind, 'prompt');
  assert.equal(JSON.parse(mine.workflow.value).kind, 'workflow');
  assert.equal(JSON.parse(mine.document.value).status, 'ready');
  assert.equal(JSON.parse(mine.base.value).documentCount, 1);
  assert.ok(records.length >= 4);
});
