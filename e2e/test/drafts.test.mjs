// The editor's test run and the archive, seen from a customer: a draft run executes the draft's text (the
// simulator echoes it) while the published version stays what runs through the SDK; an archived prompt's slug
// stops resolving for the SDK (404 naming the slug) while its runs stay readable, and it refuses to publish.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, PromptJuggler } from '@promptjuggler/sdk';
import { gatewayUrl, newTenant, publishPrompt, untilFinished } from '../support/platform.mjs';

let key;
let client;

before(async () => {
  key = await newTenant('e2e drafts');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
});

/** A management call, answered with its status and JSON body whatever the status. */
async function manage(method, path, body) {
  const response = await fetch(gatewayUrl + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const draft = (content) => ({ provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content }] });

test('a draft run executes the draft, not the published version, and publishes nothing', async () => {
  const prompt = await publishPrompt(key, 'Drafted greeter', draft('Published hello to {{name}}'));
  assert.equal((await manage('PUT', `/manage/v1/prompts/${prompt.slug}/draft`, draft('Draft hello to {{name}}'))).status, 200);

  const accepted = await manage('POST', `/manage/v1/prompts/${prompt.slug}/draft/runs`, { inputs: { name: 'Ada' } });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.equal(accepted.body.url, `/api/v1/promptruns/${accepted.body.id}`);
  const drafted = await untilFinished((id) => client.getPromptRun(id), accepted.body.id);
  assert.equal(drafted.status, 'completed', drafted.error);
  assert.equal(drafted.output, '[simulated gpt-5.5] Draft hello to Ada');
  const read = await fetch(gatewayUrl + accepted.body.url, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal(read.headers.get('promptjuggler-revision-version'), 'draft');
  assert.equal(read.headers.get('promptjuggler-revision-id'), accepted.body.revisionId);

  const { id } = await client.runPrompt(prompt.slug, '__latest__', { name: 'Ada' });
  const published = await untilFinished((runId) => client.getPromptRun(runId), id);
  assert.equal(published.output, '[simulated gpt-5.5] Published hello to Ada');
  assert.equal((await client.getPrompt(prompt.slug, '__latest__')).messages[0].content, 'Published hello to {{name}}');
});

test('an archived prompt stops resolving for the SDK, its runs stay readable, and it refuses to publish', async () => {
  const prompt = await publishPrompt(key, 'Retired greeter', draft('Goodbye {{name}}'));
  const { id } = await client.runPrompt(prompt.slug, prompt.version, { name: 'Ada' });
  await untilFinished((runId) => client.getPromptRun(runId), id);

  assert.equal((await manage('DELETE', `/manage/v1/prompts/${prompt.slug}`)).status, 204);

  await assert.rejects(client.runPrompt(prompt.slug, prompt.version, { name: 'Ada' }),
    (e) => e instanceof ApiError && e.statusCode === 404);
  const refused = await manage('POST', `/api/v1/prompts/${prompt.slug}/${prompt.version}/runs`, { inputs: { name: 'Ada' } });
  assert.deepEqual([refused.status, refused.body], [404, { error: `prompt ${prompt.slug} not found` }]);
  await assert.rejects(client.getPrompt(prompt.slug, prompt.version), (e) => e instanceof ApiError && e.statusCode === 404);

  const run = await client.getPromptRun(id);
  assert.equal(run.id, id);
  assert.equal(run.output, '[simulated gpt-5.5] Goodbye Ada');

  const publish = await manage('POST', `/manage/v1/prompts/${prompt.slug}/versions`, {});
  assert.deepEqual([publish.status, publish.body], [409, { error: `prompt ${prompt.slug} is archived` }]);
  assert.ok(!(await manage('GET', '/manage/v1/prompts')).body.some((p) => p.slug === prompt.slug), 'hidden from the list');
  assert.ok((await manage('GET', '/manage/v1/prompts?archived=true')).body.some((p) => p.slug === prompt.slug && p.archivedAt));
});
