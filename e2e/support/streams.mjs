// Helpers of the stream tests: a tenant with its id (stream frames carry it), and frames published to runs.stream
// the way run-executor publishes them (plain JSON keyed by thread id), for tests that drive the stream directly.
import { Kafka, logLevel } from 'kafkajs';
import { gatewayUrl } from './platform.mjs';
import { kafkaBrokers } from './events.mjs';

/** A new tenant: its id and its first API key. */
export async function newTenantWithId(name) {
  const response = await fetch(`${gatewayUrl}/manage/v1/bootstrap`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Bootstrap-Token': process.env.PJ_BOOTSTRAP_TOKEN },
    body: JSON.stringify({ tenantName: name }),
  });
  if (response.status !== 201) throw new Error(`bootstrap answered ${response.status}: ${await response.text()}`);
  const created = await response.json();
  return { tenantId: created.tenantId, key: created.apiKey.key };
}

/** A producer of runs.stream frames for one thread of one tenant. */
export async function framePublisher() {
  const kafka = new Kafka({ clientId: 'e2e-stream-frames', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  return {
    /** Publishes the frames in order; kafkajs' default partitioner is Java's, so they land where the executor's would. */
    async publish(tenantId, threadId, frames) {
      await producer.send({
        topic: 'runs.stream',
        acks: -1,
        messages: frames.map((frame) => ({ key: threadId, value: JSON.stringify({ tenantId, threadId, ...frame }) })),
      });
    },
    close: () => producer.disconnect(),
  };
}

/** A run's frames as the browser SDK expects them: reset, one token per word, done. */
export function runFrames(runId, words, { channel = '' } = {}) {
  return [
    { runId, kind: 'reset', channel, segment: 0, seq: 0 },
    ...words.map((text, i) => ({ runId, kind: 'token', channel, segment: 0, seq: i + 1, text })),
    { runId, kind: 'done', channel, segment: 0, seq: words.length + 1 },
  ];
}
