// Helpers of the event-contract tests: the committed AsyncAPI document (docs/asyncapi.yaml), parsed and
// validated offline with the AsyncAPI parser, its schemas compiled with ajv; and reading a topic of the
// stack's Kafka from the beginning with a plain client (kafkajs), as an outside subscriber would.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, fromFile } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { Kafka, logLevel } from 'kafkajs';

export const asyncApiPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'asyncapi.yaml');
export const kafkaBrokers = [`127.0.0.1:${process.env.PJ_KAFKA_PORT ?? 19092}`];

/** Parses the AsyncAPI document; answers the parsed document and the parser's diagnostics. */
export async function parseAsyncApi(path = asyncApiPath) {
  return fromFile(new Parser(), path).parse();
}

/** The property names a JSON Schema declares, through allOf. */
export function declaredProperties(schema) {
  const names = new Set(Object.keys(schema.properties ?? {}));
  for (const part of schema.allOf ?? []) for (const name of declaredProperties(part)) names.add(name);
  return names;
}

/**
 * Every message the document lets a subscriber receive, by topic and ce_type: the compiled header and payload
 * validators, the names both declare, and the key's schema.
 */
export function contract(document) {
  // Schema objects of AsyncAPI are JSON Schema draft 7 plus the parser's own x- annotations.
  const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
  const byTopic = new Map();
  for (const channel of document.channels().all()) {
    const messages = new Map();
    for (const message of channel.messages().all()) {
      const headers = message.headers().json();
      const payload = message.payload().json();
      messages.set(message.name(), {
        headers: ajv.compile(headers),
        payload: ajv.compile(payload),
        headerNames: declaredProperties(headers),
        payloadNames: declaredProperties(payload),
        key: ajv.compile(message.bindings().get('kafka').value().key),
      });
    }
    byTopic.set(channel.address(), messages);
  }
  return byTopic;
}

/**
 * Reads `topics` from the beginning under a consumer group of its own and keeps every record (headers as
 * text). `until(records)` is polled; once it holds, reading goes on up to the end offsets of that moment,
 * so the answer is every record the topics held then.
 */
export async function readTopics(topics, until, timeoutMs = 90_000) {
  const kafka = new Kafka({ clientId: 'e2e-contract', brokers: kafkaBrokers, logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId: `e2e-contract-${Date.now()}` });
  const admin = kafka.admin();
  const records = [];
  const next = new Map();
  try {
    await Promise.all([consumer.connect(), admin.connect()]);
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        records.push({
          topic, partition, offset: message.offset, key: message.key?.toString('utf8'),
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, value?.toString('utf8')])),
          value: message.value?.toString('utf8'),
        });
        next.set(`${topic}/${partition}`, BigInt(message.offset) + 1n);
      },
    });
    const deadline = Date.now() + timeoutMs;
    const wait = () => {
      if (Date.now() > deadline) throw new Error(`reading ${topics} timed out with ${records.length} records`);
      return new Promise((resolve) => setTimeout(resolve, 200));
    };
    while (!until(records)) await wait();
    const ends = (await Promise.all(topics.map(async (topic) =>
      (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [`${topic}/${partition}`, BigInt(high)])))).flat();
    while (!ends.every(([partition, high]) => high === 0n || (next.get(partition) ?? 0n) >= high)) await wait();
    return records;
  } finally {
    await consumer.disconnect();
    await admin.disconnect();
  }
}
