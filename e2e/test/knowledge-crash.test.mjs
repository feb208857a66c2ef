// Large documents interrupted in the middle of embedding. knowledge-ingest killed (kill -9 of its process), then
// started again: the document still ends `ready`, with every chunk stored exactly once and embedded, and one
// knowledgedocument.finished outcome (the notice may repeat; it never changes). Recovery waits for the broker
// to hand the dead consumer's partitions over (session timeout, 15 s) before the record is redelivered.
// A document deleted through the API while it is embedded: gone for good, no chunk left, no notice of its own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, KnowledgeDocumentFinishedFromJSON, PromptJuggler } from '@promptjuggler/sdk';
import { createKnowledgeBase, gatewayUrl, newTenant, registerWebhook, startReceiver } from '../support/platform.mjs';
import { eventually } from '../support/webhooks.mjs';
import { killService, servicesControllable, sql, startServicesWith } from '../support/services.mjs';

let receiver;
let client;
let base;

before(async () => {
  if (!servicesControllable) return;
  receiver = await startReceiver();
  const key = await newTenant('e2e knowledge crash');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  base = await createKnowledgeBase(key, 'Crash Handbook');
  await registerWebhook(key, receiver.url, ['knowledgedocument.finished', 'knowledgebase.finished']);
});

after(async () => {
  if (!servicesControllable) return;
  startServicesWith(); // whatever happened, the stack is whole again for the next test file
  await receiver.close();
});

/** About 700 chunks of 120 tokens: several seconds of embedding, so a kill lands in the middle. */
function largeManual() {
  const parts = ['bracket', 'cable', 'display', 'battery', 'sensor', 'hinge', 'filter', 'valve', 'fan', 'switch'];
  const lines = [];
  for (let i = 0; i < 2800; i++) {
    const part = parts[i % parts.length];
    lines.push(`Step ${i}: check the ${part} of unit ${i * 7 % 1000}, tighten screw ${i % 13} and note reading ${i * 31 % 997} in the log.`);
    if (i % 8 === 7) lines.push('');
  }
  return lines.join('\n');
}

/** Waits until the document is sealed and at least one batch embedded, and answers its chunk count. */
function midEmbedding(id) {
  return eventually(() => {
    const [[status, chunkCount]] = sql(`SELECT status, chunk_count FROM knowledge.documents WHERE id = '${id}'`);
    const embedded = count(`document_id = '${id}' AND embedding IS NOT NULL`);
    return status === 'sealed' && embedded >= 32 && Number(chunkCount);
  }, 120_000, 100);
}

const count = (where) => Number(sql(`SELECT count(*) FROM knowledge.chunks WHERE ${where}`)[0][0]);

test('kill -9 mid-embedding: the document finishes ready, no chunk twice, one finished outcome', { skip: !servicesControllable && 'needs PJ_STATE_DIR', timeout: 300_000 }, async () => {
  const [document] = await client.uploadDocuments(base.slug, [new File([largeManual()], 'manual.txt', { type: 'text/plain' })]);
  const id = document.id;

  // Sealed (every chunk stored, without its vector) and part of the vectors written: the middle of embedding.
  const sealedCount = await midEmbedding(id);
  await killService('knowledge-ingest');

  const embeddedAtKill = count(`document_id = '${id}' AND embedding IS NOT NULL`);
  assert.ok(sealedCount > 300, `a large document: ${sealedCount} chunks`);
  assert.ok(embeddedAtKill < sealedCount, `killed mid-embedding: ${embeddedAtKill} of ${sealedCount} embedded`);
  assert.equal((await client.getKnowledgeDocument(id)).status, 'sealed');
  assert.equal((await client.getKnowledgeBase(base.slug)).status, 'pending');

  startServicesWith();
  const finished = await eventually(async () => {
    const read = await client.getKnowledgeDocument(id);
    return read.status !== 'sealed' && read;
  }, 180_000, 500);
  assert.equal(finished.status, 'ready', finished.error);
  assert.equal(finished.chunkCount, sealedCount);

  const [[rows, positions, first, last, unembedded]] = sql(`SELECT count(*), count(DISTINCT position), min(position),
    max(position), count(*) FILTER (WHERE embedding IS NULL) FROM knowledge.chunks WHERE document_id = '${id}'`);
  assert.deepEqual([rows, positions, first, last, unembedded].map(Number), [sealedCount, sealedCount, 0, sealedCount - 1, 0],
    'each position 0..n-1 stored once, every chunk with its vector');
  const kb = await client.getKnowledgeBase(base.slug);
  assert.deepEqual([kb.status, kb.documentCount, kb.chunkCount], ['ready', 1, sealedCount]);

  const notice = await receiver.waitFor((d) => JSON.parse(d.rawBody).id === id, 120_000);
  await receiver.waitFor((d) => JSON.parse(d.rawBody).event === 'knowledgebase.finished', 60_000);
  const notices = receiver.received.filter((d) => JSON.parse(d.rawBody).id === id);
  for (const delivery of notices) {
    assert.deepEqual(KnowledgeDocumentFinishedFromJSON(JSON.parse(delivery.rawBody)),
      KnowledgeDocumentFinishedFromJSON(JSON.parse(notice.rawBody)));
    assert.equal(delivery.headers['promptjuggler-event-id'], notice.headers['promptjuggler-event-id'], 'a repeated notice keeps its event id');
  }
  assert.deepEqual(JSON.parse(notice.rawBody), { event: 'knowledgedocument.finished', id, status: 'ready', chunkCount: sealedCount });
});

test('a document deleted mid-embedding never comes back and leaves no chunks', { skip: !servicesControllable && 'needs PJ_STATE_DIR', timeout: 120_000 }, async () => {
  const before = await client.getKnowledgeBase(base.slug);
  const [document] = await client.uploadDocuments(base.slug, [new File([`${largeManual()}\nDeleted edition.`], 'deleted.txt', { type: 'text/plain' })]);
  await midEmbedding(document.id);
  const noticesBefore = receiver.received.length;
  await client.deleteKnowledgeDocument(document.id);

  // The base is finished again, with what it had before: the deleted document's work came to nothing.
  await receiver.waitFor((d) => {
    const body = JSON.parse(d.rawBody);
    return body.event === 'knowledgebase.finished' && receiver.received.indexOf(d) >= noticesBefore
      && body.documentCount === before.documentCount;
  }, 60_000);
  assert.equal(count(`document_id = '${document.id}'`), 0);
  assert.equal(sql(`SELECT count(*) FROM gateway.knowledge_documents WHERE id = '${document.id}'`)[0][0], '0');
  await assert.rejects(client.getKnowledgeDocument(document.id), (e) => e instanceof ApiError && e.statusCode === 404);
  const after = await client.getKnowledgeBase(base.slug);
  assert.deepEqual([after.status, after.documentCount, after.chunkCount], ['ready', before.documentCount, before.chunkCount]);
  assert.equal(receiver.received.filter((d) => JSON.parse(d.rawBody).id === document.id).length, 0,
    'no finished notice for a document deleted before it finished');
});
