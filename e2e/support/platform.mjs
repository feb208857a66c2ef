// Helpers of the end-to-end tests: the platform's management API (which the SDK does not cover) and
// a local webhook receiver standing in for a customer's endpoint.
import { createServer } from 'node:http';

export const gatewayUrl = process.env.PJ_GATEWAY_URL ?? 'http://127.0.0.1:18080';
const bootstrapToken = process.env.PJ_BOOTSTRAP_TOKEN;

async function call(method, path, { key, body, headers = {} } = {}) {
  const response = await fetch(gatewayUrl + path, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(key ? { Authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

/** Polls `read(id)` (e.g. the SDK's getPromptRun or getWorkflowRun) until the run is no longer pending. */
export async function untilFinished(read, id, timeoutMs = 60_000) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    const run = await read(id);
    if (run.status !== 'pending') return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${id} still pending after ${timeoutMs} ms`);
}

/** A fresh tenant per test file keeps tests independent of each other and of earlier runs. */
export async function newTenant(name) {
  if (!bootstrapToken) throw new Error('PJ_BOOTSTRAP_TOKEN is not set');
  const created = await call('POST', '/manage/v1/bootstrap', {
    headers: { 'X-Bootstrap-Token': bootstrapToken },
    body: { tenantName: name },
  });
  return created.apiKey.key;
}

export async function publishPrompt(key, name, draft) {
  const prompt = await call('POST', '/manage/v1/prompts', { key, body: { name, draft } });
  const version = await call('POST', `/manage/v1/prompts/${prompt.slug}/versions`, {
    key,
    body: { changeNote: 'published by the e2e test' },
  });
  return { slug: prompt.slug, version: version.version };
}

export async function publishWorkflow(key, name, graph) {
  const workflow = await call('POST', '/manage/v1/workflows', { key, body: { name, draft: graph } });
  const version = await call('POST', `/manage/v1/workflows/${workflow.slug}/versions`, {
    key,
    body: { changeNote: 'published by the e2e test' },
  });
  return { slug: workflow.slug, id: workflow.id, version: version.version };
}

/** A workflow run's per-node trace (management API). */
export async function workflowTrace(key, runId) {
  return call('GET', `/manage/v1/workflow-runs/${runId}/trace`, { key });
}

export async function registerWebhook(key, url, events) {
  return call('POST', '/manage/v1/webhooks', { key, body: { url, events } });
}

/** An HTTP server on a free loopback port that keeps every request it receives, raw body included. */
export async function startReceiver() {
  const received = [];
  const waiters = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const delivery = { headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8') };
      received.push(delivery);
      response.writeHead(204).end();
      for (const waiter of [...waiters]) waiter();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/webhooks`,
    received,
    /** Resolves with the first delivery that satisfies `predicate`, or rejects after `timeoutMs`. */
    waitFor(predicate, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = received.find(predicate);
          if (match) {
            clearTimeout(timer);
            waiters.splice(waiters.indexOf(check), 1);
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`no matching webhook within ${timeoutMs} ms; received ${received.length}`));
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Creates a knowledge base through the management API; `options` may set chunking and embedding. */
export async function createKnowledgeBase(key, name, options = {}) {
  return call('POST', '/manage/v1/knowledge-bases', { key, body: { name, ...options } });
}

/** Semantic search through the management API. */
export async function searchKnowledgeBase(key, slug, body) {
  return call('POST', `/manage/v1/knowledge-bases/${slug}/search`, { key, body });
}
