// Follows the public topic runs.finished and prints one line per finished run: the Kafka-side twin of the
// promptrun.finished / workflowrun.finished webhooks. docs/asyncapi.yaml is the contract it relies on.
//
//   KAFKA_BROKERS   comma-separated bootstrap servers (default 127.0.0.1:$PJ_KAFKA_PORT, i.e. ./platform up's)
//   SUBSCRIBER_GROUP  its consumer group (default runs-finished-subscriber): offsets are committed there, so a
//                   restart goes on where it stopped; a new group starts at the topic's beginning
import { Kafka, logLevel } from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.PJ_KAFKA_PORT ?? 19092}`).split(',');
const groupId = process.env.SUBSCRIBER_GROUP ?? 'runs-finished-subscriber';
// The payload version this subscriber understands. Within a version changes are additive only, so unknown
// fields are ignored; a record of another version is skipped rather than misread.
const SCHEMA_VERSION = '1';
// Delivery is at least once: a notice published twice carries the same ce_id. A real subscriber keeps the
// ids it processed with its own state; this one remembers the last ones in memory.
const seen = new Set();

const kafka = new Kafka({ clientId: 'runs-finished-subscriber', brokers, logLevel: logLevel.ERROR });
const consumer = kafka.consumer({ groupId });
const headersOf = (message) => Object.fromEntries(
  Object.entries(message.headers ?? {}).map(([name, value]) => [name, value?.toString('utf8')]));

consumer.on(consumer.events.GROUP_JOIN, () => console.log(`subscribed to runs.finished on ${brokers} as group ${groupId}`));

await consumer.connect();
await consumer.subscribe({ topics: ['runs.finished'], fromBeginning: true });
await consumer.run({
  eachMessage: async ({ message }) => {
    const headers = headersOf(message);
    if (headers.ce_pjschemaversion !== SCHEMA_VERSION) {
      console.log(`skipped ${headers.ce_type} ${headers.ce_id}: schema version ${headers.ce_pjschemaversion}`);
      return;
    }
    if (seen.has(headers.ce_id)) return;
    seen.add(headers.ce_id);
    if (seen.size > 10_000) seen.delete(seen.values().next().value);
    const run = JSON.parse(message.value.toString('utf8'));
    console.log(`${headers.ce_type} ${run.runId} ${run.status} (tenant ${run.tenantId}, environment ${run.environment}, finished ${run.finishedAt})`);
  },
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await consumer.disconnect();
    process.exit(0);
  });
}
