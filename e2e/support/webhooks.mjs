// Helpers of the webhook end-to-end tests: the gateway's delivery management API, a receiver whose
// answers a test scripts, and waiting for a condition.
import { createServer } from 'node:http';
import { gatewayUrl } from './platform.mjs';

/** Calls the gateway; answers {status, body} whatever the status, so tests can assert refusals too. */
export async function manage(key, method, path, body) {
  const response = await fetch(gatewayUrl + path, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * A receiver on a free loopback port. Each path answers from its script (then 200); `hold(path)`
 * keeps that path's requests unanswered until `release(path)`.
 */
export async function startScriptedReceiver() {
  const received = [];
  const scripts = new Map();
  const holds = new Map();
  const waiters = new Set();
  const sockets = new Set();
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', async () => {
      const path = new URL(request.url, 'http://receiver').pathname;
      received.push({ path, headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
      for (const waiter of [...waiters]) waiter();
      if (holds.has(path)) await holds.get(path).promise;
      const status = scripts.get(path)?.shift() ?? 200;
      response.writeHead(status, { 'Content-Type': 'text/plain' }).end(`status ${status}`);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received: (path) => received.filter((r) => r.path === path),
    script: (path, ...statuses) => scripts.set(path, [...(scripts.get(path) ?? []), ...statuses]),
    hold(path) {
      let release;
      const promise = new Promise((resolve) => { release = resolve; });
      holds.set(path, { promise, release });
    },
    release(path) {
      holds.get(path)?.release();
      holds.delete(path);
    },
    /** Resolves once `condition()` holds, checked on every request; rejects after `timeoutMs`. */
    until(condition, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (condition()) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`condition not met within ${timeoutMs} ms; received ${received.length} requests`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      for (const { release } of holds.values()) release();
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Polls `probe` until it returns a truthy value; rejects after `timeoutMs`. */
export async function eventually(probe, timeoutMs = 60_000, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`not reached within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}
