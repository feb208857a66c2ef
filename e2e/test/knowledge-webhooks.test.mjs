// Knowledge events reach the customer: one signed knowledgedocument.finished per document and a
// knowledgebase.finished when the base has nothing left in progress, each decoded by the official SDK's
// models and carrying the same numbers the GET endpoints report.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KnowledgeBaseFinishedFromJSON,
  KnowledgeDocumentFinishedFromJSON,
  PromptJuggler,
  verifyWebhookSignature,
} from '@promptjuggler/sdk';
import { createKnowledgeBase, gatewayUrl, newTenant, registerWebhook, startReceiver } from '../support/platform.mjs';

let receiver;
let client;
let base;
let secret;

before(async () => {
  receiver = await startReceiver();
  const key = await newTenant('e2e knowledge webhooks');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  base = await createKnowledgeBase(key, 'Webhook Handbook');
  ({ secret } = await registerWebhook(key, receiver.url, ['knowledgedocument.finished', 'knowledgebase.finished']));
});

after(() => receiver.close());

test('document and base finished webhooks are signed, decode with the SDK and match the reads', async () => {
  const uploaded = await client.uploadDocuments(base.slug, [
    new File(['# Shipping\n\nParcels leave every weekday.\n'], 'shipping.md', { type: 'text/markdown' }),
    new File(['The office cat is called Pixel.'], 'cat.txt', { type: 'text/plain' }),
  ]);
  const ids = uploaded.map((document) => document.id);

  const documentEvents = [];
  for (const id of ids) {
    const delivery = await receiver.waitFor((d) => JSON.parse(d.rawBody).id === id);
    assert.equal(await verifyWebhookSignature(delivery.rawBody, delivery.headers['promptjuggler-signature'], secret), true);
    const body = JSON.parse(delivery.rawBody);
    assert.equal(body.event, 'knowledgedocument.finished');
    documentEvents.push(KnowledgeDocumentFinishedFromJSON(body));
  }
  const baseDelivery = await receiver.waitFor((d) => JSON.parse(d.rawBody).event === 'knowledgebase.finished'
    && JSON.parse(d.rawBody).documentCount === 2);
  assert.equal(await verifyWebhookSignature(baseDelivery.rawBody, baseDelivery.headers['promptjuggler-signature'], secret), true);
  const baseEvent = KnowledgeBaseFinishedFromJSON(JSON.parse(baseDelivery.rawBody));

  for (const event of documentEvents) {
    const document = await client.getKnowledgeDocument(event.id);
    assert.equal(event.status, 'ready');
    assert.equal(event.chunkCount, document.chunkCount);
    assert.ok(event.chunkCount > 0);
  }
  const read = await client.getKnowledgeBase(base.slug);
  assert.deepEqual({ id: baseEvent.id, status: baseEvent.status, documentCount: baseEvent.documentCount, chunkCount: baseEvent.chunkCount },
    { id: read.id, status: 'ready', documentCount: 2, chunkCount: read.chunkCount });
  assert.equal(read.chunkCount, documentEvents.reduce((sum, event) => sum + event.chunkCount, 0));
  assert.equal(receiver.received.filter((d) => ids.includes(JSON.parse(d.rawBody).id)).length, 2,
    'one document webhook per document');
});
