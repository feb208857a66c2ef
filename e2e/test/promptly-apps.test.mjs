// The Promptly (LLMStack) API's apps, driven as a Promptly client written from its API description drives them:
// plain fetch, `Authorization: Token <key>`, app definitions as YAML. An app made from YAML runs synchronously,
// twice in one session (the second turn sees the first), streams an answer in chunks the client stitches, and gets
// a new version by PATCH; bad YAML, an unknown app and another tenant's app are refused and change nothing.
// What the model received is read back from the run (GET /api/v1/promptruns/{id}, the answer's id): the simulator
// counts one input token per word of every message it was sent, so the session's history shows up in the count.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { gatewayUrl, newTenant } from '../support/platform.mjs';

let key;
let stranger;

const MODEL = 'gpt-4o-mini';
const words = (text) => text.split(/\s+/).filter(Boolean).length;

const translator = (name, template = 'Translate to {{_inputs0.language}}: {{_inputs0.text}}') => `
name: ${name}
description: Translates a text
type_slug: web
input_fields:
  - name: text
    title: Text
    type: text
  - name: language
    title: Language
    type: string
output_template:
  markdown: |
    {{_inputs1.choices[0].content}}
processors:
  - id: _inputs1
    provider_slug: openai
    processor_slug: chatgpt
    input:
      messages:
        - role: user
          content: "${template}"
          function_call: { name: "", arguments: "" }
      chat_history: []
    config:
      model: ${MODEL}
      max_tokens: 256
      temperature: 0.7
      stream: true
      retain_history: true
`;

const chain = (name) => `
name: ${name}
input_fields:
  - { name: text, title: Text, type: text }
output_template:
  markdown: "Title: {{_inputs2.choices[0].content}}"
processors:
  - id: _inputs1
    provider_slug: openai
    processor_slug: chatgpt
    input:
      messages: [ { role: user, content: "Summarise: {{_inputs0.text}}" } ]
    config: { model: ${MODEL} }
  - id: _inputs2
    provider_slug: openai
    processor_slug: chat_completions
    input:
      messages: [ { role: user, content: "Title for: {{_inputs1.choices[0].content}}" } ]
    config: { model: ${MODEL} }
`;

async function promptly(method, path, { as = key, yaml, json } = {}) {
  const headers = { Authorization: `Token ${as}` };
  let body;
  if (yaml !== undefined) {
    headers['Content-Type'] = 'application/yaml';
    body = yaml;
  } else if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  const response = await fetch(gatewayUrl + path, { method, headers, body });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}

async function createApp(yaml) {
  const created = await promptly('POST', '/api/apps', { yaml });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

/** Runs the app and reads its answer whole. */
async function run(app, input, session) {
  const path = `/api/apps/${app.uuid}/run${session ? `/${session}` : ''}`;
  const answer = await promptly('POST', path, { json: { input, stream: false } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

/** Runs the app streaming: the lines as they came, and the output stitched from the chunks. */
async function runStreaming(app, input, session) {
  const path = `/api/apps/${app.uuid}/run${session ? `/${session}` : ''}`;
  const response = await fetch(gatewayUrl + path, {
    method: 'POST',
    headers: { Authorization: `Token ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ input, stream: true }),
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/x-ndjson');
  const objects = [];
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const piece of response.body) {
    buffered += decoder.decode(piece, { stream: true });
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) objects.push(JSON.parse(line));
    }
  }
  const [head, ...rest] = objects;
  const stitched = {};
  const errors = [];
  for (const object of rest) {
    if (object.errors) {
      errors.push(...object.errors);
      continue;
    }
    for (const [name, chunk] of Object.entries(object)) stitched[name] = (stitched[name] ?? '') + chunk;
  }
  return { head, chunks: rest.length, stitched, errors };
}

/** The run as the PromptJuggler API reads it, for what the model was sent. */
async function promptRun(id) {
  const response = await fetch(`${gatewayUrl}/api/v1/promptruns/${id}`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal(response.status, 200);
  return response.json();
}

before(async () => {
  key = await newTenant('e2e promptly apps');
  stranger = await newTenant('e2e promptly apps stranger');
});

test('an app made from YAML runs twice in one session, and the second turn sees the first', async () => {
  const app = await createApp(translator(`Translator ${randomUUID().slice(0, 8)}`));
  assert.equal(app.version, 1);
  assert.match(app.uuid, /^[0-9a-f-]{36}$/);

  const first = await run(app, { text: 'Hello there', language: 'Spanish' });
  const answer1 = `[simulated ${MODEL}] Translate to Spanish: Hello there`;
  assert.deepEqual(first.output, { output: answer1 });
  assert.match(first.session.id, /^[0-9a-f-]{36}$/);

  const second = await run(app, { text: 'Good night', language: 'Spanish' }, first.session.id);
  assert.equal(second.session.id, first.session.id);
  assert.deepEqual(second.output, { output: `[simulated ${MODEL}] Translate to Spanish: Good night` });

  const sent1 = (await promptRun(first.id)).tokenUsage.input;
  const sent2 = (await promptRun(second.id)).tokenUsage.input;
  assert.equal(sent1, words('Translate to Spanish: Hello there'));
  assert.equal(sent2, sent1 + words(answer1) + words('Translate to Spanish: Good night'),
    'the second turn was sent the first question and answer');

  const fresh = await run(app, { text: 'Good night', language: 'Spanish' });
  assert.notEqual(fresh.session.id, first.session.id);
  assert.equal((await promptRun(fresh.id)).tokenUsage.input, words('Translate to Spanish: Good night'),
    'a new session starts empty');
});

test('a streamed answer arrives in chunks that stitch to the output, in a session too', async () => {
  const app = await createApp(translator(`Streamer ${randomUUID().slice(0, 8)}`));
  const first = await runStreaming(app, { text: 'Streams flow', language: 'French' });
  assert.match(first.head.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(first.errors, []);
  assert.ok(first.chunks >= 1);
  assert.deepEqual(first.stitched, { output: `[simulated ${MODEL}] Translate to French: Streams flow` });

  const second = await runStreaming(app, { text: 'Rivers too', language: 'French' }, first.head.session.id);
  assert.equal(second.head.session.id, first.head.session.id);
  assert.deepEqual(second.stitched, { output: `[simulated ${MODEL}] Translate to French: Rivers too` });
  assert.ok((await promptRun(second.head.id)).tokenUsage.input > words('Translate to French: Rivers too'));
});

test('a chain of LLM steps is a workflow: the second step gets the first one\'s answer, streamed or not', async () => {
  const app = await createApp(chain(`Titler ${randomUUID().slice(0, 8)}`));
  const expected = `Title: [simulated ${MODEL}] Title for: [simulated ${MODEL}] Summarise: A long story`;
  const whole = await run(app, { text: 'A long story' });
  assert.deepEqual(whole.output, { output: expected });
  const streamed = await runStreaming(app, { text: 'A long story' });
  assert.deepEqual(streamed.stitched, { output: expected });
});

test('PATCH publishes a new version that the next run uses', async () => {
  const app = await createApp(translator(`Patched ${randomUUID().slice(0, 8)}`));
  const patched = await promptly('PATCH', `/api/apps/${app.uuid}`, {
    yaml: translator(app.name, 'Into {{_inputs0.language}} please: {{_inputs0.text}}'),
  });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.version, 2);
  assert.equal(patched.body.uuid, app.uuid);
  const answer = await run(app, { text: 'Hi', language: 'German' });
  assert.deepEqual(answer.output, { output: `[simulated ${MODEL}] Into German please: Hi` });
});

test('bad YAML, an unknown app and another tenant\'s app are refused with a clear 4xx and change nothing', async () => {
  const app = await createApp(translator(`Guarded ${randomUUID().slice(0, 8)}`));

  const malformed = await promptly('POST', '/api/apps', { yaml: 'name: [unclosed\nprocessors: {' });
  assert.equal(malformed.status, 400);
  assert.match(malformed.body.error, /^malformed YAML: /);
  const unmappable = await promptly('POST', '/api/apps', {
    yaml: translator(`Unmappable ${randomUUID().slice(0, 8)}`).replace('processor_slug: chatgpt', 'processor_slug: dall_e'),
  });
  assert.equal(unmappable.status, 422);
  assert.match(unmappable.body.error, /^processors\[0\]\.processor_slug openai\/dall_e is not supported/);
  const badPatch = await promptly('PATCH', `/api/apps/${app.uuid}`, { yaml: 'output_template: [' });
  assert.equal(badPatch.status, 400);

  const unknown = randomUUID();
  const notFound = await promptly('POST', `/api/apps/${unknown}/run`, { json: { input: { text: 'x', language: 'y' } } });
  assert.equal(notFound.status, 404);
  assert.equal(notFound.body.error, `app ${unknown} not found`);
  assert.equal((await promptly('PATCH', `/api/apps/${unknown}`, { yaml: 'description: x' })).status, 404);

  for (const call of [
    () => promptly('POST', `/api/apps/${app.uuid}/run`, { as: stranger, json: { input: { text: 'x', language: 'y' } } }),
    () => promptly('PATCH', `/api/apps/${app.uuid}`, { as: stranger, yaml: translator(app.name, 'Taken over') }),
  ]) {
    const refused = await call();
    assert.equal(refused.status, 404);
    assert.equal(refused.body.error, `app ${app.uuid} not found`);
  }

  const versions = await fetch(`${gatewayUrl}/manage/v1/prompts/${app.definition.slug}/versions`,
    { headers: { Authorization: `Bearer ${key}` } }).then((response) => response.json());
  assert.deepEqual(versions.map((version) => version.version), [1], 'no version was added');
  const answer = await run(app, { text: 'still mine', language: 'Italian' });
  assert.deepEqual(answer.output, { output: `[simulated ${MODEL}] Translate to Italian: still mine` });
});
