// Helpers of the executor end-to-end tests: a stand-in LLM provider whose answers the test holds back,
// and control over the local stack's run-executor process (kill -9, start with other settings).
import { createServer } from 'node:http';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './webhooks.mjs';

const stateDir = process.env.PJ_STATE_DIR;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Whether the tests may stop and start the stack's run-executor (they need its state dir). */
export const executorControllable = Boolean(stateDir);

/**
 * OpenAI's Chat Completions on a free loopback port. While `hold(which)` is in force every request whose
 * last user text `which` accepts (every one by default) waits unanswered; `answerAll()` answers those and
 * every later one at once. Each answer is numbered, so an outcome written twice would show.
 */
export async function startHeldProvider() {
  let holding = () => false;
  let answered = 0;
  const held = new Set();
  const requests = [];
  const sockets = new Set();
  const answer = (response, text) => {
    answered += 1;
    const content = `answer #${answered} to ${text}`;
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({
      id: `chatcmpl-held-${answered}`, object: 'chat.completion', model: 'gpt-5.5',
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    }));
  };
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const text = body.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
      requests.push(text);
      if (holding(text)) held.add({ response, text });
      else answer(response, text);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    hold(which = () => true) { holding = which; },
    held: () => held.size,
    /** How many requests asked about `text` (a run executed again asks again). */
    requestsFor: (text) => requests.filter((r) => r === text).length,
    answerAll() {
      holding = () => false;
      for (const entry of held) {
        if (!entry.response.destroyed) answer(entry.response, entry.text);
      }
      held.clear();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Kills the local stack's run-executor without warning, as a crash or an OOM kill would. */
export function killExecutor() {
  const pid = Number(readFileSync(join(stateDir, 'services', 'run-executor.pid'), 'utf8').trim());
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return Promise.resolve(true); // already gone
  }
  return eventually(() => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }, 30_000, 100);
}

/**
 * Starts whatever of the stack is not running, with `env` added to the environment (e.g. the executor's
 * PROVIDERS_OPENAI_BASE_URL), and waits until it is ready. Keys set to undefined are removed.
 */
export function startServicesWith(env = {}) {
  const merged = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete merged[name];
  const result = spawnSync('bash', [join(repoRoot, 'deploy', 'local', 'services.sh'), 'start'], { encoding: 'utf8', env: merged });
  if (result.status !== 0) throw new Error(`services.sh start failed: ${result.stdout}${result.stderr}`);
}
