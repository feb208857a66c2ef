// Knowledge bases seen from a customer: documents uploaded with the official SDK become searchable,
// status and counts read back through the SDK's models, bad files are refused by name, deletes stick: a deleted
// document (or base) is out of search at once, and knowledge-ingest's sweeper removes its chunks.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, PromptJuggler } from '@promptjuggler/sdk';
import { createKnowledgeBase, gatewayUrl, newTenant, searchKnowledgeBase } from '../support/platform.mjs';
import { servicesControllable, sql } from '../support/services.mjs';
import { eventually, manage } from '../support/webhooks.mjs';

let key;
let client;
let base;

const file = (name, text, type = 'text/plain') => new File([text], name, { type });

async function untilFinished(id) {
  for (let i = 0; i < 240; i++) {
    const document = await client.getKnowledgeDocument(id);
    if (document.status === 'ready' || document.status === 'failed') return document;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`document ${id} did not finish`);
}

before(async () => {
  key = await newTenant('e2e knowledge');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  base = await createKnowledgeBase(key, 'Support Handbook');
});

test('uploaded documents become ready, searchable, and the base reports the same counts', async () => {
  assert.equal(base.slug, 'kb_support_handbook');
  const uploaded = await client.uploadDocuments(base.slug, [
    file('refunds.md', '# Refunds\n\nRefunds are paid within 14 days of receiving the returned item.\n', 'text/markdown'),
    file('prices.csv', 'plan,price\nBasic,9 EUR\nPro,29 EUR\n', 'text/csv'),
  ]);
  assert.deepEqual(uploaded.map((d) => [d.fileName, d.status, d.chunkCount]),
    [['refunds.md', 'pending', 0], ['prices.csv', 'pending', 0]]);

  const finished = await Promise.all(uploaded.map((d) => untilFinished(d.id)));
  for (const document of finished) {
    assert.equal(document.status, 'ready');
    assert.ok(document.chunkCount >= 1);
  }

  const kb = await client.getKnowledgeBase(base.slug);
  assert.equal(kb.id, base.id);
  assert.equal(kb.status, 'ready');
  assert.equal(kb.documentCount, 2);
  assert.equal(kb.chunkCount, finished.reduce((sum, d) => sum + d.chunkCount, 0));
  assert.deepEqual(kb.documents.map((d) => [d.fileName, d.mimeType, d.status]).sort(),
    [['prices.csv', 'text/csv', 'ready'], ['refunds.md', 'text/markdown', 'ready']]);

  const { results } = await searchKnowledgeBase(key, base.slug, { query: 'how long until I get my money back?', topK: 2 });
  assert.equal(results[0].fileName, 'refunds.md');
  assert.deepEqual(results[0].headingPath, ['Refunds']);
  assert.ok(results[0].score > results[1].score);

  // Identical content again: the same document, no new vectors.
  const again = await client.uploadDocuments(base.slug, [file('copy-of-refunds.md',
    '# Refunds\n\nRefunds are paid within 14 days of receiving the returned item.\n', 'text/markdown')]);
  assert.equal(again[0].id, uploaded[0].id);
  assert.equal((await client.getKnowledgeBase(base.slug)).chunkCount, kb.chunkCount);
});

test('bad files are refused naming the file, and nothing is stored', async () => {
  const before = await client.getKnowledgeBase(base.slug);
  const refused = async (files, status, message) => {
    await assert.rejects(client.uploadDocuments(base.slug, files),
      (error) => error instanceof ApiError && error.statusCode === status && message.test(error.message));
  };
  await refused([file('ok.txt', 'fine'), file('tool.exe', 'MZ...')], 422, /tool\.exe has an unsupported type/);
  await refused([file('empty.txt', '')], 422, /empty\.txt is empty/);
  await refused([file('fake.pdf', 'just text pretending')], 422, /fake\.pdf is not a PDF/);
  await refused([file('fake.docx', '%PDF-1.7 not a docx')], 422, /fake\.docx is not a DOCX/);
  await refused([file('page.html', 'no markup here')], 422, /page\.html is not HTML/);
  await refused([file('big.txt', 'x'.repeat(16 * 1024 * 1024 + 1))], 413, /big\.txt is 16777217 bytes/);
  const after = await client.getKnowledgeBase(base.slug);
  assert.equal(after.documentCount, before.documentCount);
  await assert.rejects(client.uploadDocuments('kb_missing', [file('a.txt', 'a')]),
    (error) => error instanceof ApiError && error.statusCode === 404);
});

test('a deleted document is gone with its chunks; another tenant sees nothing', async () => {
  const [document] = await client.uploadDocuments(base.slug, [file('cat.txt', 'The office cat is called Pixel.')]);
  const done = await untilFinished(document.id);
  const withIt = await client.getKnowledgeBase(base.slug);

  const stranger = new PromptJuggler(await newTenant('e2e knowledge stranger'), { baseUrl: gatewayUrl });
  await assert.rejects(stranger.getKnowledgeDocument(document.id), (e) => e instanceof ApiError && e.statusCode === 404);
  await assert.rejects(stranger.deleteKnowledgeDocument(document.id), (e) => e instanceof ApiError && e.statusCode === 404);
  await assert.rejects(stranger.getKnowledgeBase(base.slug), (e) => e instanceof ApiError && e.statusCode === 404);

  await client.deleteKnowledgeDocument(document.id);
  await assert.rejects(client.getKnowledgeDocument(document.id), (e) => e instanceof ApiError && e.statusCode === 404);
  const withoutIt = await client.getKnowledgeBase(base.slug);
  assert.equal(withoutIt.documentCount, withIt.documentCount - 1);
  assert.equal(withoutIt.chunkCount, withIt.chunkCount - done.chunkCount);
  const { results } = await searchKnowledgeBase(key, base.slug, { query: 'name of the office cat', topK: 5 });
  assert.ok(results.every((hit) => hit.documentId !== document.id));
});

test('a deleted document leaves search at once, and its chunks and those of a deleted base leave the store', { skip: !servicesControllable && 'needs PJ_STATE_DIR' }, async () => {
  const ownKey = await newTenant('e2e knowledge deletes');
  const own = new PromptJuggler(ownKey, { baseUrl: gatewayUrl });
  const kb = await createKnowledgeBase(ownKey, 'Deleted Handbook');
  const [kept, gone] = await own.uploadDocuments(kb.slug, [file('warranty.txt', 'The warranty lasts two years.'),
    file('pixel.txt', 'Our office cat is called Pixel and sleeps on the printer.')]);
  await eventually(async () => (await own.getKnowledgeBase(kb.slug)).status === 'ready', 60_000);
  const question = { query: 'what is the name of the office cat?', topK: 5 };
  assert.equal((await searchKnowledgeBase(ownKey, kb.slug, question)).results[0].documentId, gone.id);

  await own.deleteKnowledgeDocument(gone.id);
  const { results } = await searchKnowledgeBase(ownKey, kb.slug, question);
  assert.deepEqual(results.map((hit) => hit.documentId), [kept.id], 'out of search with the delete');
  const chunks = (where) => Number(sql(`SELECT count(*) FROM knowledge.chunks WHERE ${where}`)[0][0]);
  await eventually(() => chunks(`document_id = '${gone.id}'`) === 0, 90_000, 500);
  assert.ok(chunks(`document_id = '${kept.id}'`) > 0, 'the live document keeps its chunks');

  assert.equal((await manage(ownKey, 'DELETE', `/manage/v1/knowledge-bases/${kb.slug}`)).status, 204);
  await eventually(() => chunks(`knowledge_base_id = '${kb.id}'`) === 0, 90_000, 500);
});
