// A client generated from docs/openapi.yaml (openapi-typescript types + openapi-fetch), as an API user would
// build one: it publishes a prompt, runs it and reads the run, and reads an error — all typed by the
// committed document. e2e/test/openapi-client.test.mjs generates api.d.ts, type-checks this file, runs it.
import createClient from 'openapi-fetch';
import type { paths } from './api.js';

// Node's process, without @types/node: only its environment is read.
declare const process: { env: Record<string, string | undefined> };

const baseUrl = process.env.PJ_GATEWAY_URL ?? 'http://127.0.0.1:18080';
const key = process.env.PJ_API_KEY;
if (!key) throw new Error('PJ_API_KEY is not set');

const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key}` } });

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing`);
  return value;
}

const created = await client.POST('/manage/v1/prompts', {
  body: {
    name: `Generated client ${Date.now()}`,
    draft: { provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content: 'Hello {{name}}' }] },
  },
});
const slug: string = need(created.data?.slug, `the created prompt (${created.response.status})`);

const published = await client.POST('/manage/v1/prompts/{slug}/versions', {
  params: { path: { slug } },
  body: { changeNote: 'published by the generated client' },
});
const version: number = need(published.data?.version, `the published version (${published.response.status})`);

const started = await client.POST('/api/v1/prompts/{slug}/{version}/runs', {
  params: { path: { slug, version: String(version) } },
  body: { inputs: { name: 'Ada' } },
});
const runId: string = need(started.data?.id, `the run (${started.response.status})`);

let status: string | undefined = 'pending';
let output: string | null | undefined;
for (let attempt = 0; attempt < 600 && status === 'pending'; attempt++) {
  const run = await client.GET('/api/v1/promptruns/{id}', { params: { path: { id: runId } } });
  status = run.data?.status;
  output = run.data?.output;
  if (status === 'pending') await new Promise((resolve) => setTimeout(resolve, 100));
}

const missing = await client.GET('/api/v1/promptruns/{id}', {
  params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
});
const error: string | undefined = missing.error?.error;

console.log(JSON.stringify({ slug, version, status, output, missingStatus: missing.response.status, error }));
