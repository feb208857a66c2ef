// The three providers' wire formats through the whole platform, read back with the official SDK: the
// simulator speaks OpenAI Chat Completions, Anthropic Messages and Gemini generateContent. Token usage,
// cost from the price table, structured output, and the SDK's meaning of `error` when a provider fails.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PromptJuggler } from '@promptjuggler/sdk';
import { gatewayUrl, newTenant, publishPrompt, untilFinished } from '../support/platform.mjs';

const simulatorUrl = `http://127.0.0.1:${process.env.PJ_SIMULATOR_PORT ?? 18090}`;
let client;
let key;

const finished = (id) => untilFinished((runId) => client.getPromptRun(runId), id);

async function runOnce(draft, text) {
  const prompt = await publishPrompt(key, `${draft.provider} ${randomUUID().slice(0, 8)}`, draft);
  const { id } = await client.runPrompt(prompt.slug, prompt.version, { text });
  return finished(id);
}

async function scriptFailures(contains, responses) {
  const response = await fetch(`${simulatorUrl}/__simulator/failures`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ contains, responses }) });
  assert.ok(response.ok, `scripting failures answered ${response.status}`);
}

before(async () => {
  key = await newTenant('e2e providers');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
});

for (const [provider, model] of [['openai', 'gpt-5-mini'], ['anthropic', 'claude-haiku-4-5'], ['gemini', 'gemini-2.5-flash']]) {
  test(`${provider}: system instruction, message template, usage and cost from the price table`, async () => {
    const run = await runOnce({ provider, model, systemInstruction: 'Answer briefly.',
      messages: [{ role: 'user', content: 'Describe {{text}}' }], modelParams: { temperature: 0.2, maxCompletionTokens: 64 } },
    'the sea');
    assert.equal(run.status, 'completed', run.error);
    assert.equal(run.output, `[simulated ${model}] Describe the sea`);
    assert.equal(run.tokenUsage.output, 5);
    assert.ok(run.tokenUsage.input >= 3);
    assert.equal(run.tokenUsage.total, run.tokenUsage.input + run.tokenUsage.output);
    assert.ok(run.cost, 'a priced model has a cost');
    assert.ok(run.cost.success.input > 0 && run.cost.success.output > 0);
    assert.equal(run.cost.total, run.cost.success.total + run.cost.retries.total);
    // cacheWrite is left out of the public ModelCost (docs/api.md, "Public shapes"); its amount is in input.
    assert.equal(run.cost.success.cacheWrite, undefined);
    assert.ok(Math.abs(run.cost.success.total - (run.cost.success.input + run.cost.success.cachedInput
      + run.cost.success.output + run.cost.success.webSearch)) < 1e-12);
  });

  test(`${provider}: json_schema output follows the schema`, async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 2 } },
      required: ['city', 'days'] };
    const run = await runOnce({ provider, model, messages: [{ role: 'user', content: '{{text}}' }],
      responseFormat: { type: 'json_schema', name: 'trip', strict: true, schema: JSON.stringify(schema) } }, 'Plan a trip');
    assert.equal(run.status, 'completed', run.error);
    const answer = JSON.parse(run.output);
    assert.equal(typeof answer.city, 'string');
    assert.equal(answer.days, 2);
  });
}

test('a provider that recovers after retries completes the run, and error keeps the latest failed attempt', async () => {
  const marker = `flaky-${randomUUID()}`;
  await scriptFailures(marker, [{ status: 503, retryAfter: '1', message: 'overloaded, first' },
    { status: 500, message: 'internal, second' }]);
  const started = Date.now();
  const run = await runOnce({ provider: 'anthropic', model: 'claude-haiku-4-5',
    messages: [{ role: 'user', content: '{{text}}' }] }, marker);
  assert.equal(run.status, 'completed');
  assert.equal(run.output, `[simulated claude-haiku-4-5] ${marker}`);
  assert.match(run.error, /internal, second/);
  assert.ok(Date.now() - started >= 1000, 'the Retry-After of the first failure was honoured');
});

test('a provider error that no retry can fix fails the run with the provider\'s message', async () => {
  const marker = `invalid-${randomUUID()}`;
  await scriptFailures(marker, [{ status: 400, message: 'max_tokens is too large for this model' }]);
  const run = await runOnce({ provider: 'gemini', model: 'gemini-2.5-flash',
    messages: [{ role: 'user', content: '{{text}}' }] }, marker);
  assert.equal(run.status, 'failed');
  assert.match(run.error, /max_tokens is too large for this model/);
  assert.equal(run.output, undefined);
  assert.equal(run.cost, undefined);
});
