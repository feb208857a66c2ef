// Latency of the webhook-endpoint management API, one gateway at a time (bench/management-crud.sh runs it
// against each build in turn). A cycle is the aggregate's whole life: create, list, update, rotate-secret
// (the child row), delete. Each of `concurrency` workers runs its cycles back to back on one tenant, which
// holds `seed` more endpoints so that a list reads a page of rows, not one.
// Prints one JSON line per operation: {concurrency, op, n, p50, p99} in milliseconds, then one for the
// whole phase: {concurrency, op: "all", n, seconds, rps}.
//   node bench/management-crud.mjs URL BOOTSTRAP_TOKEN CONCURRENCY CYCLES [WARMUP_CYCLES] [SEED]
const [url, token, concurrencyArg, cyclesArg, warmupArg = '50', seedArg = '10'] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const cycles = Number(cyclesArg);
const hook = 'http://127.0.0.1:9/hook';

async function call(method, path, key, body, expected) {
  const response = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (response.status !== expected) {
    throw new Error(`${method} ${path}: ${response.status} ${text}`);
  }
  return text ? JSON.parse(text) : null;
}

async function tenant() {
  const response = await fetch(`${url}/manage/v1/bootstrap`, {
    method: 'POST',
    headers: { 'x-bootstrap-token': token, 'content-type': 'application/json' },
    body: JSON.stringify({ tenantName: `crud-bench-${Date.now()}` }),
  });
  if (response.status !== 201) {
    throw new Error(`bootstrap: ${response.status} ${await response.text()}`);
  }
  return (await response.json()).apiKey.key;
}

const timings = { create: [], list: [], update: [], rotate: [], delete: [] };

async function timed(op, record, request) {
  const start = process.hrtime.bigint();
  const result = await request();
  if (record) {
    timings[op].push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return result;
}

async function cycle(key, record) {
  const created = await timed('create', record, () => call('POST', '/manage/v1/webhooks', key,
      { url: hook, events: ['promptrun.finished'] }, 201));
  await timed('list', record, () => call('GET', '/manage/v1/webhooks', key, null, 200));
  await timed('update', record, () => call('PUT', `/manage/v1/webhooks/${created.id}`, key,
      { url: hook, events: ['promptrun.finished', 'workflowrun.finished'], environment: 'prod*', enabled: true }, 200));
  await timed('rotate', record, () => call('POST', `/manage/v1/webhooks/${created.id}/rotate-secret`, key, null, 200));
  await timed('delete', record, () => call('DELETE', `/manage/v1/webhooks/${created.id}`, key, null, 204));
}

async function workers(key, count, record) {
  let left = count;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (left-- > 0) {
      await cycle(key, record);
    }
  }));
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

const key = await tenant();
for (let i = 0; i < Number(seedArg); i++) {
  await call('POST', '/manage/v1/webhooks', key, { url: hook }, 201);
}
await workers(key, Number(warmupArg), false);
const start = process.hrtime.bigint();
await workers(key, cycles, true);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
let requests = 0;
for (const [op, values] of Object.entries(timings)) {
  values.sort((a, b) => a - b);
  requests += values.length;
  console.log(JSON.stringify({ concurrency, op, n: values.length,
    p50: +percentile(values, 0.5).toFixed(2), p99: +percentile(values, 0.99).toFixed(2) }));
}
console.log(JSON.stringify({ concurrency, op: 'all', n: requests, seconds: +seconds.toFixed(2),
  rps: +(requests / seconds).toFixed(0) }));
