// Helpers of the fault drills: the local stack's infrastructure stopped and started under the tests' feet,
// a steady stream of run creations that records every answer, and a webhook receiver that can go away and
// come back on the same port.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatewayUrl } from './platform.mjs';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Runs deploy/local/infra.sh with `args` (e.g. 'stop', 'kafka') on the stack the tests run against, without
 * blocking the test's event loop (its requests go on meanwhile).
 */
export function infra(...args) {
  return new Promise((resolve, reject) => {
    execFile('bash', [join(repoRoot, 'deploy', 'local', 'infra.sh'), ...args], (error, stdout, stderr) => {
      if (error) reject(new Error(`infra.sh ${args.join(' ')} failed: ${stdout}${stderr}`));
      else resolve();
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates prompt runs at `perSecond` for `seconds`, each request given up after `timeoutMs` on the client's
 * side. Returns every answer: {status, body, retryAfter, contentType} or {status: 'timeout'} / {status:
 * 'network', error}. `during(elapsedMs)` is called once a second, for the drill's own actions.
 */
export async function createRunsSteadily(key, prompt, { perSecond, seconds, timeoutMs, inputs }) {
  const answers = [];
  const requests = [];
  const total = perSecond * seconds;
  const started = Date.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    requests.push(createRun(key, prompt, inputs(i), timeoutMs).then((answer) => answers.push(answer)));
  }
  await Promise.all(requests);
  return answers;
}

async function createRun(key, prompt, inputs, timeoutMs) {
  try {
    const response = await fetch(`${gatewayUrl}/api/v1/prompts/${prompt.slug}/${prompt.version}/runs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ inputs }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return {
      status: response.status, body, retryAfter: response.headers.get('retry-after'),
      contentType: response.headers.get('content-type'),
    };
  } catch (error) {
    return error.name === 'TimeoutError' ? { status: 'timeout' } : { status: 'network', error: String(error) };
  }
}

/**
 * A webhook receiver on a fixed loopback port that can be taken down (`stop`: connections refused, open
 * ones cut) and brought back (`start`) at the same URL. Keeps every request it received.
 */
export async function startRestartableReceiver() {
  const received = [];
  const sockets = new Set();
  let server;
  let port = 0;
  const start = async () => {
    server = createServer((request, response) => {
      const chunks = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
    port = server.address().port;
  };
  const stop = async () => {
    if (!server.listening) return;
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  await start();
  return { url: `http://127.0.0.1:${port}/webhooks`, received, start, stop };
}
