// Thread memory seen from a customer: runs on one thread and channel share a conversation, channels are
// isolated, and the prompt's memory mode decides whether it reads the history, appends to it, both or
// neither. What the model received is read from the run's token usage: the simulator counts one input
// token per word of every message it was sent, so history shows up as exactly its words.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PromptJuggler } from '@promptjuggler/sdk';
import { gatewayUrl, newTenant, publishPrompt, untilFinished } from '../support/platform.mjs';

let client;
const prompts = {};

const finished = (id) => untilFinished((runId) => client.getPromptRun(runId), id);

/** Runs `text` with the prompt of memory `mode`; resolves with the finished run and its thread. */
async function say(mode, text, options = {}) {
  const { id, thread } = await client.runPrompt(prompts[mode].slug, prompts[mode].version, { text }, options);
  const run = await finished(id);
  assert.equal(run.status, 'completed', run.error);
  return { run, thread };
}

before(async () => {
  const key = await newTenant('e2e memory');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  for (const memory of ['stateless', 'read_only', 'read_write', 'write_only']) {
    prompts[memory] = await publishPrompt(key, `Chat ${memory} ${randomUUID().slice(0, 8)}`, {
      provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content: '{{text}}' }], memory });
  }
});

test('read_write remembers across turns of a channel; another channel of the thread starts empty', async () => {
  const first = await say('read_write', 'one two three');
  assert.equal(first.run.tokenUsage.input, 3);
  // Turn 2 is sent turn 1's question (3 words) and answer ("[simulated gpt-5.5] one two three", 5 words).
  const second = await say('read_write', 'four', { thread: first.thread });
  assert.equal(second.thread, first.thread);
  assert.equal(second.run.tokenUsage.input, 3 + 5 + 1);
  const side = await say('read_write', 'five', { thread: first.thread, channel: 'side' });
  assert.equal(side.run.tokenUsage.input, 1);
  const back = await say('read_write', 'six', { thread: first.thread, channel: 'side' });
  assert.equal(back.run.tokenUsage.input, 1 + 3 + 1, 'the side channel has its own history');
});

test('read_only reads but does not append; write_only appends but does not read; stateless does neither', async () => {
  const start = await say('write_only', 'alpha beta');
  assert.equal(start.run.tokenUsage.input, 2);
  const thread = start.thread;

  const reader = await say('read_only', 'gamma', { thread });
  assert.equal(reader.run.tokenUsage.input, 2 + 4 + 1, 'read_only sees what write_only wrote');
  const stateless = await say('stateless', 'delta', { thread });
  assert.equal(stateless.run.tokenUsage.input, 1);
  const writer = await say('write_only', 'epsilon', { thread });
  assert.equal(writer.run.tokenUsage.input, 1, 'write_only does not read');

  // Only the two write_only turns were kept: 2 + 4 and 1 + 3 words.
  const check = await say('read_only', 'zeta', { thread });
  assert.equal(check.run.tokenUsage.input, (2 + 4) + (1 + 3) + 1);
});

test('runs sent back to back on one thread and channel execute in the order they were accepted', async () => {
  const first = await client.runPrompt(prompts.read_write.slug, prompts.read_write.version, { text: 'a1' });
  const options = { thread: first.thread };
  const second = await client.runPrompt(prompts.read_write.slug, prompts.read_write.version, { text: 'a2' },
    { ...options, priority: 'onsite' });
  const third = await client.runPrompt(prompts.read_write.slug, prompts.read_write.version, { text: 'a3' }, options);
  const runs = await Promise.all([first, second, third].map(({ id }) => finished(id)));

  // Each turn saw exactly the turns accepted before it: 1, then 1 + 3 + 1, then 2 × (1 + 3) + 1 words.
  assert.deepEqual(runs.map((run) => run.tokenUsage.input), [1, 5, 9]);
  assert.ok(runs[0].finishedAt <= runs[1].finishedAt && runs[1].finishedAt <= runs[2].finishedAt);
});
