// The client side of the streaming benchmark (bench/stream.sh): subscribers of threads' live streams on one
// gateway, as a browser subscribes (a stream token per thread, GET {url} with it, server-sent events read as they
// arrive). Prints a Markdown block:
//   (a) latency from the provider's chunk to the SSE frame at the client: BENCH_STREAM_RUNS (100) streaming runs at
//       once, each on a thread of its own with one subscriber, their prompts echoing the simulator's send-time
//       marker (%sent-at%, microseconds since the epoch) BENCH_STREAM_WORDS (40) times: each token frame's text is
//       the time its piece left the simulator, and the client subtracts it from the time the frame arrived (the same
//       machine's clock), after BENCH_STREAM_WARMUP_ROUNDS (2) unmeasured rounds of the same;
//   (b) BENCH_SUBSCRIBERS (2000) subscribers open at once on one gateway, BENCH_SUBSCRIBER_THREADS (200) threads with
//       the same number of subscribers each; the gateway's RSS (/proc/<BENCH_GATEWAY_PID>/status) before and with
//       them open; then a run on every thread, which each subscriber must see to its end.
// Needs PJ_GATEWAY_URL and PJ_BOOTSTRAP_TOKEN (e2e/support/platform.mjs reads them).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PromptJuggler } from '../e2e/node_modules/@promptjuggler/sdk/dist/index.js';
import { gatewayUrl, newTenant, publishPrompt } from '../e2e/support/platform.mjs';

const RUNS = Number(process.env.BENCH_STREAM_RUNS ?? 100);
const WORDS = Number(process.env.BENCH_STREAM_WORDS ?? 40);
const WARMUP_ROUNDS = Number(process.env.BENCH_STREAM_WARMUP_ROUNDS ?? 2);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 2000);
const SUBSCRIBER_THREADS = Number(process.env.BENCH_SUBSCRIBER_THREADS ?? 200);
const GATEWAY_PID = process.env.BENCH_GATEWAY_PID;
const PATIENCE_MS = 300_000;

const nowMicros = () => (performance.timeOrigin + performance.now()) * 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const rssMiB = () => {
  const line = readFileSync(`/proc/${GATEWAY_PID}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) / 1024;
};
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join('/');

async function until(condition, what) {
  for (const deadline = Date.now() + PATIENCE_MS; !condition();) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${PATIENCE_MS / 1000} s`);
    await sleep(50);
  }
}

/**
 * One subscriber: GET the stream with the token, frames parsed as they arrive. `onFrame(kind, frame, arrivedMicros)`.
 * Resolves once the stream answered 200 (the subscription is live).
 */
async function subscribe(grant, onFrame) {
  const controller = new AbortController();
  const response = await fetch(grant.url, {
    headers: { Authorization: `Bearer ${grant.token}`, Accept: 'text/event-stream' }, signal: controller.signal,
  });
  if (response.status !== 200) throw new Error(`the stream answered ${response.status}: ${await response.text()}`);
  (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const bytes of response.body) {
        const arrived = nowMicros();
        buffer += decoder.decode(bytes, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let kind = 'message';
          let data = '';
          for (const line of event.split('\n')) {
            if (line.startsWith('event:')) kind = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trimStart();
          }
          if (data) onFrame(kind, JSON.parse(data), arrived);
        }
      }
    } catch (e) {
      if (e.name !== 'AbortError') throw e;
    }
  })();
  return () => controller.abort();
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (micros) => `${(micros / 1000).toFixed(1)} ms`;

const key = await newTenant('bench stream');
const client = new PromptJuggler(key, { baseUrl: gatewayUrl });
const prompt = await publishPrompt(key, 'Bench stream', {
  provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content: '{{text}}' }],
});
const lines = [];

// (a) Chunk to frame: the same round first WARMUP_ROUNDS times unmeasured, so that what is measured is the path, not
// the just-started JVMs compiling it.
async function latencyRound() {
  const latencies = [];
  const done = new Set();
  const failed = new Set();
  const closers = [];
  const threads = Array.from({ length: RUNS }, () => randomUUID());
  for (const thread of threads) {
    closers.push(await subscribe(await client.createStreamToken(thread), (kind, frame, arrived) => {
      if (kind === 'token' && /^\d{16}$/.test(frame.text.trim())) latencies.push(arrived - Number(frame.text.trim()));
      if (kind === 'done') done.add(frame.runId);
      if (kind === 'failure') failed.add(frame.runId);
    }));
  }
  const load = loadAverage();
  const text = Array(WORDS).fill('%sent-at%').join(' ');
  const started = Date.now();
  await Promise.all(threads.map((thread) => client.runPrompt(prompt.slug, prompt.version, { text }, { thread, priority: 'onsite' })));
  await until(() => done.size + failed.size === RUNS, 'the latency runs ending');
  const seconds = (Date.now() - started) / 1000;
  closers.forEach((close) => close());
  latencies.sort((x, y) => x - y);
  return { latencies, done, failed, seconds, load };
}
{
  const warmUps = [];
  for (let round = 0; round < WARMUP_ROUNDS; round++) {
    const { latencies, seconds } = await latencyRound();
    warmUps.push(`${seconds.toFixed(1)} s, p99 ${ms(percentile(latencies, 99))}`);
  }
  const { latencies, done, failed, seconds, load } = await latencyRound();
  lines.push(`##### (a) Provider chunk → SSE frame at the client, ${RUNS} streaming runs at once`, '',
    `${RUNS} runs (onsite), each on its own thread with one subscriber, ${WORDS} stamped pieces each, `
      + `${process.env.BENCH_CHUNK_DELAY_MS ?? 20} ms between the simulator's events; all ended in ${seconds.toFixed(1)} s `
      + `(${done.size} completed, ${failed.size} failed). Load average at the start of the phase: ${load}. `
      + `Measured after ${WARMUP_ROUNDS} unmeasured round(s) of the same${warmUps.length ? ` (${warmUps.join('; ')})` : ''}.`, '',
    '| Figure | Value | Target | Met |', '|---|---|---|---|',
    `| Frames measured | ${latencies.length} of ${RUNS * WORDS} | | |`,
    `| Latency p50 | ${ms(percentile(latencies, 50))} | | |`,
    `| Latency p90 | ${ms(percentile(latencies, 90))} | | |`,
    `| Latency p99 | **${ms(percentile(latencies, 99))}** | ≤ 50 ms | ${percentile(latencies, 99) <= 50_000 ? 'met' : 'missed'} |`,
    `| Latency max | ${ms(latencies.at(-1))} | | |`, '');
}

// (b) Open subscribers on one gateway.
{
  const perThread = Math.ceil(SUBSCRIBERS / SUBSCRIBER_THREADS);
  const threads = Array.from({ length: SUBSCRIBER_THREADS }, () => randomUUID());
  const rssBefore = rssMiB();
  const ended = new Map();
  const closers = [];
  const opening = Date.now();
  let opened = 0;
  for (const thread of threads) {
    const grant = await client.createStreamToken(thread);
    const batch = [];
    for (let i = 0; i < perThread && opened < SUBSCRIBERS; i++, opened++) {
      const subscriber = `${thread}/${i}`;
      batch.push(subscribe(grant, (kind) => {
        if (kind === 'done' || kind === 'failure') ended.set(subscriber, kind);
      }));
    }
    closers.push(...await Promise.all(batch));
  }
  const openSeconds = (Date.now() - opening) / 1000;
  await sleep(2000);
  const rssOpen = rssMiB();
  const load = loadAverage();
  await Promise.all(threads.map((thread) => client.runPrompt(prompt.slug, prompt.version, { text: 'a short answer' },
    { thread, priority: 'onsite' })));
  await until(() => ended.size === opened, 'every subscriber seeing its thread\'s run end');
  const completed = [...ended.values()].filter((kind) => kind === 'done').length;
  const rssAfter = rssMiB();
  closers.forEach((close) => close());
  lines.push(`##### (b) Open subscribers on one gateway`, '',
    `${opened} subscribers over ${SUBSCRIBER_THREADS} threads (${perThread} each), opened in ${openSeconds.toFixed(1)} s; `
      + `then a run on every thread, whose end each subscriber saw (${completed} \`done\`). Load average with them open: ${load}.`, '',
    '| Figure | Value | Target | Met |', '|---|---|---|---|',
    `| Subscribers open at once | **${opened}** | ≥ 2,000 | ${opened >= 2000 ? 'met' : 'missed'} |`,
    `| Subscribers that saw their thread's run end | ${ended.size} | | |`,
    `| Gateway RSS before / with them open / after the runs | ${rssBefore.toFixed(0)} / **${rssOpen.toFixed(0)}** / ${rssAfter.toFixed(0)} MiB | | |`,
    '');
}

console.log(lines.join('\n'));
process.exit(0);
