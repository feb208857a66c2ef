// Helpers of the scale-out test: where a further replica listens, which process holds a TCP connection, the
// consumer groups' membership, and a webhook receiver that notices one delivery sent twice at once.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaBrokers } from './events.mjs';
import { gatewayUrl } from './platform.mjs';

/** deploy/local/services.sh's step: replica n of a service listens on its port + 200 × (n − 1). */
const REPLICA_PORT_STEP = 200;

/** The URL of the gateway's replica `n` (1 is the stack's own gateway). */
export function gatewayReplicaUrl(n) {
  const url = new URL(gatewayUrl);
  url.port = String(Number(url.port) + REPLICA_PORT_STEP * (n - 1));
  return url.origin;
}

/**
 * The local ports of the TCP connections process `pid` holds: its file descriptors that are sockets, looked up
 * in the kernel's socket tables by inode. Tells which process sent a request a receiver is holding.
 */
export function tcpPortsOf(pid) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    const socket = /^socket:\[(\d+)\]$/.exec(target);
    if (socket) inodes.add(socket[1]);
  }
  const ports = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && inodes.has(fields[9])) ports.add(parseInt(fields[1].split(':')[1], 16));
    }
  }
  return ports;
}

/** An admin client of the stack's Kafka that reads consumer groups; `close()` when done. */
export async function consumerGroups() {
  const admin = new Kafka({ clientId: 'e2e-replicas', brokers: kafkaBrokers, logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  return {
    /**
     * Whether each group is stable (no rebalance under way) with exactly the members given, e.g.
     * {'run-executor': 3}: a replica that joined has its partitions, one that left or died gave them up.
     */
    async settled(expected) {
      const { groups } = await admin.describeGroups(Object.keys(expected));
      return groups.every((group) => group.state === 'Stable' && group.members.length === expected[group.groupId]);
    },
    close: () => admin.disconnect(),
  };
}

/**
 * A webhook receiver on a free loopback port. Each request is answered 204 after `delay()` ms (set with
 * `answerAfter`), unless `keepOpen(request)` was called first, and kept as {deliveryId, eventId, body, rawBody,
 * headers, remotePort, answered}. A request that arrives while another of the same delivery id
 * (PromptJuggler-Delivery-Id) is still open, neither answered nor cut off, is an overlap: that delivery was being
 * sent twice at once.
 */
export async function startTrackingReceiver() {
  const requests = [];
  const open = new Set();
  const overlaps = [];
  let maxOpen = 0;
  let delay = () => 0;
  const server = createServer((request, response) => {
    const entry = {
      deliveryId: request.headers['promptjuggler-delivery-id'],
      eventId: request.headers['promptjuggler-event-id'],
      headers: request.headers,
      remotePort: request.socket.remotePort,
      answered: false,
    };
    for (const other of open) {
      if (other.deliveryId === entry.deliveryId) overlaps.push(entry.deliveryId);
    }
    requests.push(entry);
    open.add(entry);
    maxOpen = Math.max(maxOpen, open.size);
    response.on('finish', () => { entry.answered = true; });
    // After the answer, or when the sender went away first (its process died, or it gave up on the request).
    response.on('close', () => open.delete(entry));
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      entry.rawBody = Buffer.concat(chunks).toString('utf8');
      entry.body = JSON.parse(entry.rawBody);
      setTimeout(() => {
        if (entry.keptOpen) return;
        entry.answering = true;
        response.writeHead(204).end();
      }, delay());
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/webhooks`,
    requests,
    overlaps,
    /** Requests received and not yet answered nor cut off. */
    open: () => [...open].filter((entry) => !entry.answering),
    /** Never answers `request` (one of `open()`): it stays open until its sender goes away. */
    keepOpen(request) { request.keptOpen = true; },
    /** The most requests that were open at once. */
    maxOpen: () => maxOpen,
    answerAfter(ms) { delay = typeof ms === 'function' ? ms : () => ms; },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}
