// examples/runs-finished-subscriber, run as its README says: it follows runs.finished and prints each
// finished run — here the runs this test starts, a prompt run and a workflow run.
import { after, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { PromptJuggler } from '@promptjuggler/sdk';
import { gatewayUrl, newTenant, publishPrompt, publishWorkflow } from '../support/platform.mjs';
import { startExample } from '../support/examples.mjs';

let subscriber;

after(() => subscriber?.stop());

test('the example subscriber prints each finished run it reads from runs.finished', { timeout: 180_000 }, async () => {
  subscriber = await startExample('runs-finished-subscriber', 'subscriber.mjs', {
    KAFKA_BROKERS: `127.0.0.1:${process.env.PJ_KAFKA_PORT ?? 19092}`,
    SUBSCRIBER_GROUP: `e2e-subscriber-${randomUUID()}`,
  });
  await subscriber.printed('subscribed to runs.finished');

  const key = await newTenant('e2e subscriber');
  const client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  const prompt = await publishPrompt(key, 'Subscribed prompt', {
    provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content: 'Hello {{name}}' }] });
  const workflow = await publishWorkflow(key, 'Subscribed flow', {
    nodes: [{ id: 'in', type: 'input', name: 'name' },
      { id: 'p', type: 'prompt', name: 'Hello', settings: { prompt: prompt.slug, version: prompt.version } },
      { id: 'out', type: 'output', name: 'greeting' }],
    edges: [{ from: 'in', to: 'p', toHandle: 'name' }, { from: 'p', to: 'out' }],
  });
  const promptRun = await client.runPrompt(prompt.slug, prompt.version, { name: 'Ada' });
  const workflowRun = await client.runWorkflow(workflow.slug, workflow.version, { name: 'Grace' });

  await subscriber.printed(`promptrun.finished ${promptRun.id} completed (tenant `);
  await subscriber.printed(`workflowrun.finished ${workflowRun.id} completed (tenant `);
});
