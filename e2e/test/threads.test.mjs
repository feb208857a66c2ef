// A thread seen from a customer: two runs with memory, the thread read back with its runs and memory, a fork that
// continues from an earlier message, and the original erased, after which its runs' ids answer 410 through the
// official SDK (docs/api.md, "Threads and erasure"). What the model received is read from the run's token usage:
// the simulator counts one input token per word of every message it was sent.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ApiError, PromptJuggler } from '@promptjuggler/sdk';
import { gatewayUrl, newTenant, publishPrompt, untilFinished } from '../support/platform.mjs';

let key;
let client;
let prompt;

/** A management call answered with its status and parsed body, whatever the status. */
async function manage(method, path, body) {
  const response = await fetch(gatewayUrl + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function say(text, options = {}) {
  const { id, thread } = await client.runPrompt(prompt.slug, prompt.version, { text }, options);
  const run = await untilFinished((runId) => client.getPromptRun(runId), id);
  assert.equal(run.status, 'completed', run.error);
  return { id, thread, run };
}

before(async () => {
  key = await newTenant('e2e threads');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  prompt = await publishPrompt(key, `Threads ${randomUUID().slice(0, 8)}`, {
    provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content: '{{text}}' }], memory: 'read_write' });
});

test('a thread is read, forked at a message and erased; its runs then answer 410 through the SDK', async () => {
  const first = await say('one two three');
  const second = await say('four', { thread: first.thread });
  assert.equal(second.run.tokenUsage.input, 3 + 5 + 1, 'the second turn saw the first');

  const read = await manage('GET', `/manage/v1/threads/${first.thread}`);
  assert.equal(read.status, 200);
  assert.deepEqual(read.body.runs.map((run) => [run.id, run.status]), [[first.id, 'completed'], [second.id, 'completed']]);
  const memory = read.body.memory.default;
  assert.deepEqual(memory.map((message) => message.role), ['user', 'assistant', 'user', 'assistant']);
  assert.equal(memory[0].content, 'one two three');
  assert.equal(memory[2].content, 'four');

  const fork = await manage('POST', `/manage/v1/threads/${first.thread}/fork`, { upToMessage: memory[1].id });
  assert.equal(fork.status, 201);
  assert.notEqual(fork.body.id, first.thread);
  assert.deepEqual(fork.body.memory.default.map((message) => message.content), [memory[0].content, memory[1].content]);
  const branch = await say('five', { thread: fork.body.id });
  assert.equal(branch.run.tokenUsage.input, 3 + 5 + 1, 'the fork remembers only the first turn');

  const erased = await manage('DELETE', `/manage/v1/threads/${first.thread}`);
  assert.equal(erased.status, 204);
  for (const id of [first.id, second.id]) {
    await assert.rejects(client.getPromptRun(id), (error) => {
      assert.ok(error instanceof ApiError, String(error));
      assert.equal(error.statusCode, 410);
      return true;
    });
  }
  assert.equal((await manage('GET', `/manage/v1/threads/${first.thread}`)).status, 410);

  // The fork keeps what it copied, and its own run.
  const kept = await manage('GET', `/manage/v1/threads/${fork.body.id}`);
  assert.equal(kept.status, 200);
  assert.deepEqual(kept.body.runs.map((run) => run.id), [branch.id]);
  assert.equal(kept.body.memory.default.length, 4);
  assert.equal((await client.getPromptRun(branch.id)).status, 'completed');
});
