// A knowledge base that chose the OpenAI-compatible embeddings provider: knowledge-ingest embeds its chunks
// and its search queries through that endpoint (on the local stack, the provider simulator's /v1/embeddings,
// whose vectors are a hashed bag of words: shared words score higher), records the model and size, and
// search works on those vectors.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PromptJuggler } from '@promptjuggler/sdk';
import { createKnowledgeBase, gatewayUrl, newTenant, searchKnowledgeBase } from '../support/platform.mjs';
import { eventually } from '../support/webhooks.mjs';

const simulatorUrl = `http://127.0.0.1:${process.env.PJ_SIMULATOR_PORT ?? '18090'}`;
const MODEL = 'text-embedding-3-small';

let key;
let client;

before(async () => {
  key = await newTenant('e2e knowledge openai');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
});

const embeddingCalls = async () => (await (await fetch(`${simulatorUrl}/__simulator/calls`)).json()).byModel[MODEL] ?? 0;

test('a base on the OpenAI-compatible provider records its model, ingests through it and is searchable', async () => {
  const base = await createKnowledgeBase(key, 'OpenAI Handbook', { embedding: { provider: 'openai', model: MODEL, dimensions: 1536 } });
  assert.deepEqual(base.embedding, { provider: 'openai', model: MODEL, dimensions: 1536 });
  assert.deepEqual(base.chunking, { maxTokens: 400, overlapTokens: 66 });
  const callsBefore = await embeddingCalls();

  const uploaded = await client.uploadDocuments(base.slug, [
    new File(['# Refunds\n\nRefunds are paid within 14 days of receiving the returned item.\n'], 'refunds.md', { type: 'text/markdown' }),
    new File(['# Shipping\n\nParcels leave the warehouse every weekday before noon.\n'], 'shipping.md', { type: 'text/markdown' }),
    new File(['The office cat is called Pixel and sleeps on the printer.'], 'cat.txt', { type: 'text/plain' }),
  ]);
  const documents = await eventually(async () => {
    const read = await Promise.all(uploaded.map((d) => client.getKnowledgeDocument(d.id)));
    return read.every((d) => d.status === 'ready' || d.status === 'failed') && read;
  }, 60_000);
  for (const document of documents) assert.equal(document.status, 'ready', document.error);
  const kb = await client.getKnowledgeBase(base.slug);
  assert.deepEqual([kb.status, kb.documentCount, kb.chunkCount], ['ready', 3, documents.reduce((sum, d) => sum + d.chunkCount, 0)]);
  const callsAfterIngest = await embeddingCalls();
  assert.ok(callsAfterIngest > callsBefore, 'the chunks were embedded by the endpoint');

  const { results } = await searchKnowledgeBase(key, base.slug, { query: 'when are refunds paid?', topK: 3 });
  assert.equal(results[0].fileName, 'refunds.md');
  assert.deepEqual(results[0].headingPath, ['Refunds']);
  assert.ok(results[0].score > results[1].score);
  assert.equal(await embeddingCalls(), callsAfterIngest + 1, 'the query was embedded by the endpoint too');

  const filtered = await searchKnowledgeBase(key, base.slug, { query: 'printer cat', topK: 3, documentIds: [uploaded[2].id] });
  assert.deepEqual(filtered.results.map((hit) => hit.fileName), ['cat.txt']);
  const read = await searchKnowledgeBase(key, base.slug, { query: 'when are refunds paid?', topK: 3, minScore: 0.99 });
  assert.deepEqual(read.results, [], 'no chunk is that close');
});
