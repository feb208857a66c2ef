// Scale-out: 2 gateways, 3 executors, 2 webhook dispatchers and 2 knowledge-ingest workers (deploy/local/services.sh
// with PJ_REPLICAS) share the work and keep the platform's promises.
// - Runs created through both gateways finish once each: one outcome, one runs.finished record, one webhook
//   delivery; documents uploaded through both gateways are ingested once each.
// - Onsite runs submitted behind a backlog of low runs, while every replica's slots for lower work are taken,
//   finish before any run of that backlog starts (claim and finish times of the rows).
// - One executor and one dispatcher killed with kill -9 mid-flight lose nothing.
// - Replicas joining and leaving the consumer groups while runs flow neither lose nor duplicate an outcome.
// - No delivery is ever sent twice at once.
// The further replicas start beside the suite's stack before the tests and stop after them; the stack's own
// executor runs meanwhile with the test's provider (which holds answers on demand) and fewer slots, like the
// others, and is restored at the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PromptJuggler, verifyWebhookSignature } from '@promptjuggler/sdk';
import { createKnowledgeBase, newTenant, publishPrompt, registerWebhook } from '../support/platform.mjs';
import { eventually } from '../support/webhooks.mjs';
import { killService, replicaPid, services, servicesControllable, sql } from '../support/services.mjs';
import { startHeldProvider } from '../support/executor.mjs';
import { readTopics } from '../support/events.mjs';
import { sleep } from '../support/drills.mjs';
import { consumerGroups, gatewayReplicaUrl, startTrackingReceiver, tcpPortsOf } from '../support/replicas.mjs';

const skip = !servicesControllable && 'needs PJ_STATE_DIR';
const REPLICAS = 'gateway=2,executor=3,dispatcher=2,ingest=2';
const FURTHER_REPLICAS = ['api-gateway-2', 'run-executor-2', 'run-executor-3', 'webhook-dispatcher-2', 'knowledge-ingest-2'];
// Slots per executor in this test, and those of them normal and low work may take (the default onsite reserve
// keeps 16): three executors run at most 72 lower runs at once.
const MAX_IN_FLIGHT = 40;
const LOWER_SLOTS = 3 * (MAX_IN_FLIGHT - 16);
// Consumers per replica in each group: the dispatcher reads runs.finished and knowledge.finished on two.
const members = ({ executors = 3, dispatchers = 2, ingest = 2 } = {}) =>
  ({ 'run-executor': executors, 'webhook-dispatcher': 2 * dispatchers, 'knowledge-ingest': ingest });
const PRIORITIES = ['onsite', 'normal', 'low'];

let provider;
let receiver;
let groups;
let webhook;
let prompt;
let base;
let clients;
let replicaEnv;

before(async () => {
  if (skip) return;
  provider = await startHeldProvider();
  receiver = await startTrackingReceiver();
  // A few milliseconds per answer: deliveries stay open long enough to overlap, were one sent twice at once.
  receiver.answerAfter(() => Math.floor(Math.random() * 30));
  groups = await consumerGroups();
  const key = await newTenant('e2e scale-out');
  clients = [1, 2].map((n) => new PromptJuggler(key, { baseUrl: gatewayReplicaUrl(n) }));
  prompt = await publishPrompt(key, 'Scale', {
    provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content: 'scale {{name}}' }],
  });
  webhook = await registerWebhook(key, receiver.url, ['promptrun.finished']);
  base = await createKnowledgeBase(key, 'Scale Handbook');

  replicaEnv = { PJ_REPLICAS: REPLICAS, PROVIDERS_OPENAI_BASE_URL: provider.url, EXECUTOR_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT) };
  await services(['stop', 'run-executor']);
  await services(['start'], replicaEnv);
  await eventually(() => groups.settled(members()), 120_000, 500);
});

after(async () => {
  if (skip) return;
  try {
    // The suite's stack as it was: one replica each, its executor on the simulator with the default slots.
    await services(['stop', ...FURTHER_REPLICAS, 'run-executor']);
    await services(['start'], { PJ_REPLICAS: undefined, PROVIDERS_OPENAI_BASE_URL: undefined, EXECUTOR_MAX_IN_FLIGHT: undefined });
  } finally {
    await groups?.close();
    await provider?.close();
    await receiver?.close();
  }
});

const textOf = (name) => `scale ${name}`;

/** Creates `count` runs named `${name}-${i}`, 25 at a time, alternately through the two gateways; answers their ids. */
async function createRuns(name, count, priority) {
  const ids = [];
  for (let i = 0; i < count; i += 25) {
    ids.push(...(await Promise.all(Array.from({ length: Math.min(25, count - i) }, (_, j) =>
      clients[(i + j) % 2].runPrompt(prompt.slug, prompt.version, { name: `${name}-${i + j}` }, { priority }))))
      .map((run) => run.id));
  }
  return ids;
}

/** Creates runs at `perSecond`, alternately through the gateways and priorities, until `stop()`, which answers their ids. */
function createRunsSteadily(name, perSecond) {
  const created = [];
  let flowing = true;
  const flow = (async () => {
    const started = Date.now();
    for (let i = 0; flowing; i++) {
      const due = started + (i * 1000) / perSecond;
      if (due > Date.now()) await sleep(due - Date.now());
      const request = clients[i % 2].runPrompt(prompt.slug, prompt.version, { name: `${name}-${i}` }, { priority: PRIORITIES[i % 3] });
      request.catch(() => {}); // reported by stop()
      created.push(request);
    }
  })();
  return {
    async stop() {
      flowing = false;
      await flow;
      return (await Promise.all(created)).map((run) => run.id);
    },
  };
}

async function readRuns(ids) {
  const runs = [];
  for (let i = 0; i < ids.length; i += 50) {
    runs.push(...await Promise.all(ids.slice(i, i + 50).map((id, j) => clients[j % 2].getPromptRun(id))));
  }
  return runs;
}

async function untilFinished(ids, timeoutMs) {
  return eventually(async () => {
    const runs = await readRuns(ids);
    return runs.every((run) => run.status !== 'pending') && runs;
  }, timeoutMs, 1000);
}

const uuidArray = (ids) => `'{${ids.join(',')}}'::uuid[]`;

/** The rows of these runs: id → {attempts, worker (the lease owner's pid), owner}. */
function runRows(ids) {
  return new Map(sql(`SELECT id, attempts, lease_owner, split_part(lease_owner, '/', 2) FROM gateway.runs_with_state WHERE id = ANY(${uuidArray(ids)})`)
    .map(([id, attempts, owner, pid]) => [id, { attempts: Number(attempts), owner, pid: Number(pid) }]));
}

/** Every runs.finished record of these runs (the topic read from its start), by run id. */
async function finishedRecords(ids) {
  const wanted = new Set(ids);
  const byRun = new Map();
  const collect = (records) => {
    byRun.clear();
    for (const record of records) {
      const payload = JSON.parse(record.value);
      if (!wanted.has(payload.runId)) continue;
      byRun.set(payload.runId, [...(byRun.get(payload.runId) ?? []), { eventId: record.headers.ce_id, payload }]);
    }
    return byRun.size === wanted.size;
  };
  collect(await readTopics(['runs.finished'], collect, 180_000));
  return byRun;
}

/** The webhook requests the receiver got for these runs, by run id, once each run has an answered one. */
async function deliveriesOf(ids, timeoutMs) {
  const byRun = () => {
    const wanted = new Set(ids);
    const grouped = new Map(ids.map((id) => [id, []]));
    for (const request of receiver.requests) {
      if (request.body && wanted.has(request.body.id)) grouped.get(request.body.id).push(request);
    }
    return grouped;
  };
  await eventually(() => [...byRun().values()].every((requests) => requests.some((r) => r.answered)), timeoutMs, 500);
  return byRun();
}

/**
 * Each run completed, once: every runs.finished record of it (`exactlyOneRecord`: just one) carries the stored
 * outcome, and each delivery request of it (`exactlyOneDelivery`: just one) is signed and carries that one event.
 */
async function assertFinishedOnce(ids, runs, { exactlyOneRecord, exactlyOneDelivery, deliveryTimeoutMs = 180_000 }) {
  for (const run of runs) assert.equal(run.status, 'completed', `run ${run.id}: ${run.error}`);
  const records = await finishedRecords(ids);
  const deliveries = await deliveriesOf(ids, deliveryTimeoutMs);
  for (const run of runs) {
    const notices = records.get(run.id);
    if (exactlyOneRecord) assert.equal(notices.length, 1, `run ${run.id}: ${notices.length} runs.finished records`);
    for (const { payload } of notices) {
      assert.equal(payload.status, run.status, `run ${run.id}: a notice with another outcome`);
      assert.equal(new Date(payload.finishedAt).getTime(), run.finishedAt.getTime(), `run ${run.id}: a notice of another outcome`);
    }
    assert.equal(new Set(notices.map((notice) => notice.eventId)).size, 1, `run ${run.id}: one event id`);

    const requests = deliveries.get(run.id);
    if (exactlyOneDelivery) assert.equal(requests.length, 1, `run ${run.id}: ${requests.length} webhook requests`);
    for (const request of requests) {
      assert.deepEqual(request.body, { event: 'promptrun.finished', id: run.id, status: 'completed' });
      assert.equal(request.eventId, notices[0].eventId, `run ${run.id}: the webhook carries the event's id`);
      assert.equal(await verifyWebhookSignature(request.rawBody, request.headers['promptjuggler-signature'], webhook.secret), true);
    }
  }
  assert.deepEqual(receiver.overlaps, [], 'deliveries sent twice at once');
}

test('runs through both gateways finish once each, on all three executors; documents through both are ingested once',
  { skip, timeout: 400_000 }, async () => {
    const ids = await createRuns('steady', 300, 'normal');
    const documents = [];
    for (let i = 0; i < 12; i++) {
      const file = new File([`# Note ${i}\n\nScale-out note ${i}, ${randomUUID()}.\n`], `note-${i}.md`, { type: 'text/markdown' });
      documents.push(...(await clients[i % 2].uploadDocuments(base.slug, [file])).map((document) => document.id));
    }

    const runs = await untilFinished(ids, 180_000);
    for (let i = 0; i < runs.length; i++) {
      assert.match(runs[i].output ?? '', new RegExp(`^answer #\\d+ to ${textOf(`steady-${i}`)}$`), `run ${runs[i].id}: ${runs[i].error}`);
      assert.equal(provider.requestsFor(textOf(`steady-${i}`)), 1, `run steady-${i} was executed once`);
    }
    const rows = runRows(ids);
    for (const id of ids) assert.equal(rows.get(id).attempts, 1, `run ${id} was claimed once`);
    assert.equal(new Set([...rows.values()].map((row) => row.owner)).size, 3, 'each of the three executors ran some of them');
    await assertFinishedOnce(ids, runs, { exactlyOneRecord: true, exactlyOneDelivery: true });

    await eventually(async () => (await Promise.all(documents.map((id, i) => clients[i % 2].getKnowledgeDocument(id))))
      .every((document) => document.status === 'ready'), 180_000, 1000);
    const stored = sql(`SELECT d.id, d.claims, d.chunk_count, count(c.id), count(DISTINCT c.position)
      FROM knowledge.documents d LEFT JOIN knowledge.chunks c ON c.document_id = d.id
      WHERE d.id = ANY(${uuidArray(documents)}) GROUP BY d.id, d.claims, d.chunk_count`);
    assert.equal(stored.length, documents.length);
    for (const [id, claims, chunkCount, chunks, positions] of stored) {
      assert.equal(Number(claims), 1, `document ${id} was claimed once`);
      assert.ok(Number(chunkCount) > 0);
      assert.deepEqual([Number(chunks), Number(positions)], [Number(chunkCount), Number(chunkCount)], `document ${id}: each chunk stored once`);
    }
    const wanted = new Set(documents);
    const finished = (records) => records.filter((record) => record.headers.ce_type === 'knowledgedocument.finished'
      && wanted.has(JSON.parse(record.value).documentId));
    const notices = finished(await readTopics(['knowledge.finished'], (records) => finished(records).length >= documents.length));
    assert.deepEqual(notices.map((record) => JSON.parse(record.value).documentId).sort(), [...documents].sort(),
      'one knowledgedocument.finished per document');
  });

test('onsite runs submitted behind a backlog of low runs finish before the backlog starts', { skip, timeout: 400_000 }, async () => {
  const low = (text) => text.startsWith(textOf('low-'));
  provider.hold(low);
  const lowIds = await createRuns('low', 200, 'low');
  // Every executor's slots for lower work are taken (the answers are held): the rest of the low runs wait.
  await eventually(() => provider.heldWhere(low) === LOWER_SLOTS, 120_000);
  const backlog = sql(`SELECT id FROM gateway.runs_with_state WHERE id = ANY(${uuidArray(lowIds)}) AND started_at IS NULL`).map(([id]) => id);
  assert.equal(backlog.length, lowIds.length - LOWER_SLOTS, 'the low runs beyond the slots wait unclaimed');

  const onsite = await createRuns('onsite', 12, 'onsite');
  const onsiteFinished = await eventually(async () => (await readRuns(onsite)).every((run) => run.status !== 'pending'), 120_000, 500)
    .then(() => true, () => false);
  provider.answerAll();
  const runs = await untilFinished([...onsite, ...lowIds], 180_000);

  assert.ok(onsiteFinished, 'the onsite runs finished while the backlog waited');
  const [[lastOnsiteFinish, firstBacklogStart, onsiteBeforeBacklog]] = sql(`SELECT o.last, b.first, o.last < b.first FROM
    (SELECT max(finished_at) AS last FROM gateway.runs_with_state WHERE id = ANY(${uuidArray(onsite)})) o,
    (SELECT min(started_at) AS first FROM gateway.runs_with_state WHERE id = ANY(${uuidArray(backlog)})) b`);
  assert.equal(onsiteBeforeBacklog, 't', `the last onsite run finished at ${lastOnsiteFinish}, the backlog's first started at ${firstBacklogStart}`);
  await assertFinishedOnce([...onsite, ...lowIds], runs, { exactlyOneRecord: true, exactlyOneDelivery: true });
});

test('one executor and one dispatcher killed with kill -9 mid-flight lose nothing', { skip, timeout: 400_000 }, async () => {
  const ours = (text) => text.startsWith(textOf('kill-'));
  provider.hold(ours);
  const ids = await createRuns('kill', 30, 'normal');
  await eventually(() => provider.heldWhere(ours) === ids.length, 120_000);

  // The executor: the runs it has in flight are claimed by it and waiting on the provider.
  const executorPid = replicaPid('run-executor-2');
  const cutRuns = [...runRows(ids)].filter(([, row]) => row.pid === executorPid).map(([id]) => id);
  assert.ok(cutRuns.length > 0, 'run-executor-2 had runs in flight');
  await killService('run-executor-2');

  // The dispatcher: whichever is sending a delivery the receiver holds (answers take 2 s from now on, and the
  // one chosen is never answered: the kill cuts it off).
  receiver.answerAfter(2000);
  provider.answerAll();
  const dispatchers = ['webhook-dispatcher', 'webhook-dispatcher-2'].map((name) => ({ name, pid: replicaPid(name) }));
  const [cutRequest, victim] = await eventually(() => {
    for (const request of receiver.open()) {
      const sender = dispatchers.find(({ pid }) => tcpPortsOf(pid).has(request.remotePort));
      if (sender) {
        receiver.keepOpen(request);
        return [request, sender];
      }
    }
    return undefined;
  }, 120_000, 10);
  await killService(victim.name);
  receiver.answerAfter(() => Math.floor(Math.random() * 30));

  const runs = await untilFinished(ids, 240_000);
  const rows = runRows(cutRuns);
  for (const id of cutRuns) {
    assert.notEqual(rows.get(id).pid, executorPid, `run ${id} was finished by another executor`);
    assert.ok(rows.get(id).attempts >= 2, `run ${id} was claimed again`);
  }
  await assertFinishedOnce(ids, runs, { exactlyOneRecord: false, exactlyOneDelivery: false, deliveryTimeoutMs: 240_000 });
  assert.ok(!receiver.open().includes(cutRequest), 'the request in flight was cut off by the kill');
  assert.ok(receiver.requests.some((r) => r.deliveryId === cutRequest.deliveryId && r.answered),
    `delivery ${cutRequest.deliveryId}, in flight at the kill, was delivered by the other dispatcher`);
  // The dead replicas left their consumer groups.
  await eventually(() => groups.settled(members({ executors: 2, dispatchers: 1 })), 120_000, 500);
});

test('replicas joining and leaving while runs flow neither lose nor duplicate an outcome', { skip, timeout: 400_000 }, async () => {
  const flow = createRunsSteadily('rebalance', 8);
  await sleep(3_000);
  // The two killed replicas start again and join their groups, then an executor leaves (SIGTERM).
  await services(['start'], replicaEnv);
  await eventually(() => groups.settled(members()), 120_000, 500);
  const joined = replicaPid('run-executor-2');
  await sleep(3_000);
  const leaving = replicaPid('run-executor-3');
  await services(['stop', 'run-executor-3']);
  await eventually(() => groups.settled(members({ executors: 2 })), 120_000, 500);
  await sleep(3_000);
  const ids = await flow.stop();

  const runs = await untilFinished(ids, 240_000);
  const workers = new Set([...runRows(ids).values()].map((row) => row.pid));
  assert.ok(workers.has(joined) && workers.has(leaving), 'the joining and the leaving executor both ran some of them');
  await assertFinishedOnce(ids, runs, { exactlyOneRecord: false, exactlyOneDelivery: true });
});

test('no delivery was sent twice at once, though deliveries were sent concurrently', { skip }, () => {
  assert.ok(receiver.requests.length > 0);
  assert.ok(receiver.maxOpen() > 1, 'deliveries overlapped in time, so a repeated one could have been seen');
  assert.deepEqual(receiver.overlaps, []);
});
