// Promptly (LLMStack) datasources seen from one of its clients, written from the Promptly API description (plain
// fetch, `Authorization: Token <key>`): a datasource takes a text, a file and a URL entry with metadata, they become
// searchable, a metadata-filtered search (the management search endpoint) answers only the matching entry, a deleted
// entry leaves search, and bad base64, an unknown datasource and another tenant's datasource are refused, changing nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { gatewayUrl, newTenant } from '../support/platform.mjs';

let key;
let stranger;
let pages;
let pageUrl;

function promptly(token, method, path, body) {
  return fetch(`${gatewayUrl}${path}`, {
    method,
    headers: { Authorization: `Token ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function json(response, status) {
  const text = await response.text();
  assert.equal(response.status, status, text);
  return text ? JSON.parse(text) : undefined;
}

async function search(slug, body) {
  const response = await fetch(`${gatewayUrl}/manage/v1/knowledge-bases/${slug}/search`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return json(response, 200);
}

async function untilReady(datasource, count) {
  for (let i = 0; i < 240; i++) {
    const entries = await json(await promptly(key, 'GET', `/api/datasources/${datasource}/entries`), 200);
    const failed = entries.find((e) => e.status === 'failed');
    assert.equal(failed, undefined, `entry failed: ${JSON.stringify(failed)}`);
    if (entries.length === count && entries.every((e) => e.status === 'ready')) return entries;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the entries of ${datasource} did not become ready`);
}

before(async () => {
  key = await newTenant('e2e promptly datasources');
  stranger = await newTenant('e2e promptly stranger');
  pages = http.createServer((request, response) => {
    if (request.url !== '/shipping.html') { response.writeHead(404).end(); return; }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end('<html><head><title>Shipping</title></head><body><h1>Shipping</h1>'
      + '<p>Parcels leave the warehouse every weekday at noon.</p></body></html>');
  });
  await new Promise((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${pages.address().port}/shipping.html`;
});

after(() => pages?.close());

test('text, file and URL entries with metadata become searchable, filtered by metadata, and a deleted entry leaves search', async () => {
  const name = `Handbook ${Date.now()}`;
  const datasource = await json(await promptly(key, 'POST', '/api/datasources', { name, type: 'text' }), 201);
  assert.equal(datasource.name, name);
  assert.equal(datasource.type, 'text');
  assert.ok(datasource.uuid && datasource.created_at && datasource.updated_at);
  const listed = await json(await promptly(key, 'GET', '/api/datasources'), 200);
  assert.ok(listed.some((d) => d.uuid === datasource.uuid));

  const entries = `/api/datasources/${datasource.uuid}/entries`;
  const text = await json(await promptly(key, 'POST', entries, {
    entry_data: { name: 'Refunds', content: 'Refunds are paid within 14 days of receiving the returned item.' },
    entry_metadata: { team: 'sales', year: 2024 },
  }), 201);
  assert.equal(text.metadata.md_team, 'sales');
  assert.equal(text.metadata.source, 'Refunds');
  const file = await json(await promptly(key, 'POST', entries, {
    entry_data: { name: 'refund-exceptions.md',
      file: Buffer.from('# Refund exceptions\n\nDamaged items are refunded at once, without a return.\n').toString('base64') },
    entry_metadata: { team: 'support', year: 2023 },
  }), 201);
  const page = await json(await promptly(key, 'POST', entries, {
    entry_data: { name: 'Shipping page', url: pageUrl },
    entry_metadata: { team: 'logistics' },
  }), 201);

  await untilReady(datasource.uuid, 3);
  const bases = await (await fetch(`${gatewayUrl}/manage/v1/knowledge-bases`, { headers: { Authorization: `Bearer ${key}` } })).json();
  const slug = bases.find((b) => b.id === datasource.uuid).slug;

  const unfiltered = await search(slug, { query: 'when are refunds paid?', topK: 10 });
  assert.deepEqual([...new Set(unfiltered.results.map((r) => r.documentId))].sort(), [text.uuid, file.uuid, page.uuid].sort());

  const sales = await search(slug, { query: 'when are refunds paid?', topK: 10, filter: { team: 'sales' } });
  assert.ok(sales.results.length >= 1);
  assert.deepEqual([...new Set(sales.results.map((r) => r.documentId))], [text.uuid]);
  const older = await search(slug, { query: 'refunds', topK: 10, filter: { year: { in: [2022, 2023] } } });
  assert.deepEqual([...new Set(older.results.map((r) => r.documentId))], [file.uuid]);
  const shipping = await search(slug, { query: 'when do parcels leave?', topK: 3, filter: { team: 'logistics' } });
  assert.equal(shipping.results[0].documentId, page.uuid);
  assert.match(shipping.results[0].content, /every weekday at noon/);

  const badFilter = await fetch(`${gatewayUrl}/manage/v1/knowledge-bases/${slug}/search`, {
    method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ query: 'refunds', filter: { team: ['sales'] } }),
  });
  assert.equal(badFilter.status, 400);
  assert.match((await badFilter.json()).error, /filter\.team/);

  const deleted = await promptly(key, 'DELETE', `${entries}/${text.uuid}`);
  assert.equal(deleted.status, 204);
  const afterDelete = await search(slug, { query: 'when are refunds paid?', topK: 10, filter: { team: 'sales' } });
  assert.deepEqual(afterDelete.results, []);
  const remaining = await json(await promptly(key, 'GET', entries), 200);
  assert.deepEqual(remaining.map((e) => e.uuid).sort(), [file.uuid, page.uuid].sort());
});

test('bad base64, an unknown datasource and another tenant\'s datasource are refused and change nothing', async () => {
  const datasource = await json(await promptly(key, 'POST', '/api/datasources', { name: `Sealed ${Date.now()}`, type: 'file' }), 201);
  const entries = `/api/datasources/${datasource.uuid}/entries`;
  await json(await promptly(key, 'POST', entries, { entry_data: { name: 'kept.txt', content: 'Kept.' } }), 201);

  const bad = await promptly(key, 'POST', entries, { entry_data: { name: 'notes.txt', file: '%%% not base64 %%%' } });
  assert.equal(bad.status, 422);
  assert.match((await bad.json()).error, /base64/);

  const unknown = await promptly(key, 'POST', '/api/datasources/00000000-0000-4000-8000-000000000000/entries',
    { entry_data: { name: 'x', content: 'x' } });
  assert.equal(unknown.status, 404);
  assert.ok((await unknown.json()).error);

  for (const [method, path, body] of [
    ['GET', entries],
    ['POST', entries, { entry_data: { name: 'intruder', content: 'Taken over.' } }],
    ['DELETE', `/api/datasources/${datasource.uuid}`],
  ]) {
    const refused = await promptly(stranger, method, path, body);
    assert.equal(refused.status, 404, `${method} ${path}`);
    assert.ok((await refused.json()).error);
  }
  const strangers = await json(await promptly(stranger, 'GET', '/api/datasources'), 200);
  assert.ok(!strangers.some((d) => d.uuid === datasource.uuid));

  const kept = await json(await promptly(key, 'GET', entries), 200);
  assert.deepEqual(kept.map((e) => e.name), ['kept.txt']);
});
