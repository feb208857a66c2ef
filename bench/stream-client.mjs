// The client side of the streaming benchmark (bench/stream.sh): subscribers of threads' live streams on one
// gateway, as a browser subscribes (a stream token per thread, GET {url} with it, server-sent events read as they
// arrive). Each run's prompt echoes the simulator's send-time marker (%sent-at%, microseconds since the epoch) once
// per piece, so each token frame's text is the time its piece left the simulator, and the client subtracts it from
// the time the frame arrived (the same machine's clock). Prints a Markdown block:
//   (a) latency from the provider's chunk to the SSE frame at the client with BENCH_STREAM_RUNS (100) runs streaming
//       at once, steadily: as many workers, each running one onsite run after another on a new thread of its own
//       (a stream token, a subscription, then the run, as the browser SDK's flow goes), each answer
//       BENCH_STREAM_WORDS (200) pieces BENCH_CHUNK_DELAY_MS (20) apart; the workers' first runs start spread over
//       one answer's length, so runs start and end at an even rate rather than all at once. Measured over
//       BENCH_STREAM_SECONDS (30) after BENCH_STREAM_WARMUP_SECONDS (180) of the same load (the JVMs compile the
//       path first); the runs streaming at once are counted every 100 ms;
//   (a') the same latency for a burst: BENCH_STREAM_RUNS runs of BENCH_BURST_WORDS (40) pieces posted at the same
//       instant, after (a), each subscribed before;
//   (b) BENCH_SUBSCRIBERS (2000) subscribers open at once on one gateway, BENCH_SUBSCRIBER_THREADS (200) threads with
//       the same number of subscribers each; the gateway's RSS (/proc/<BENCH_GATEWAY_PID>/status) before and with
//       them open; then a run on every thread, which each subscriber must see to its end.
// Needs PJ_GATEWAY_URL and PJ_BOOTSTRAP_TOKEN (e2e/support/platform.mjs reads them).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PromptJuggler } from '../e2e/node_modules/@promptjuggler/sdk/dist/index.js';
import { gatewayUrl, newTenant, publishPrompt } from '../e2e/support/platform.mjs';

const RUNS = Number(process.env.BENCH_STREAM_RUNS ?? 100);
const WORDS = Number(process.env.BENCH_STREAM_WORDS ?? 200);
const CHUNK_DELAY_MS = Number(process.env.BENCH_CHUNK_DELAY_MS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_STREAM_WARMUP_SECONDS ?? 180);
const SECONDS = Number(process.env.BENCH_STREAM_SECONDS ?? 30);
const BURST_WORDS = Number(process.env.BENCH_BURST_WORDS ?? 40);
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

const stamped = (words) => Array(words).fill('%sent-at%').join(' ');
/** The latency of a token frame whose text is a send-time stamp, or null for any other frame. */
const latencyOf = (kind, frame, arrived) => (kind === 'token' && /^\d{16}$/.test(frame.text.trim())
  ? arrived - Number(frame.text.trim()) : null);
const latencyRows = (latencies) => [
  `| Frames measured | ${latencies.length} | | |`,
  `| Latency p50 | ${ms(percentile(latencies, 50))} | | |`,
  `| Latency p90 | ${ms(percentile(latencies, 90))} | | |`,
  `| Latency p99 | **${ms(percentile(latencies, 99))}** | ≤ 50 ms | ${percentile(latencies, 99) <= 50_000 ? 'met' : 'missed'} |`,
  `| Latency max | ${ms(latencies.at(-1))} | | |`];

// (a) Chunk to frame with RUNS runs streaming at once, steadily.
{
  const warmedUp = nowMicros() + WARMUP_SECONDS * 1e6;
  const over = warmedUp + SECONDS * 1e6;
  const measuring = (micros) => micros >= warmedUp && micros < over;
  const latencies = [];
  const streaming = new Set();
  const streamingCounts = [];
  let completed = 0;
  let failed = 0;
  const answerMs = WORDS * CHUNK_DELAY_MS;
  async function worker(index) {
    await sleep((index * answerMs) / RUNS);
    while (nowMicros() < over) {
      const thread = randomUUID();
      let ended;
      const end = new Promise((resolve) => { ended = resolve; });
      const close = await subscribe(await client.createStreamToken(thread), (kind, frame, arrived) => {
        const latency = latencyOf(kind, frame, arrived);
        if (latency !== null && measuring(arrived)) latencies.push(latency);
        if (kind === 'reset') streaming.add(frame.runId);
        if (kind === 'done' || kind === 'failure') {
          streaming.delete(frame.runId);
          if (measuring(arrived)) kind === 'done' ? completed++ : failed++;
          ended();
        }
      });
      await client.runPrompt(prompt.slug, prompt.version, { text: stamped(WORDS) }, { thread, priority: 'onsite' });
      await Promise.race([end, sleep(PATIENCE_MS).then(() => {
        throw new Error(`a run on thread ${thread} did not end within ${PATIENCE_MS / 1000} s`);
      })]);
      close();
    }
  }
  const counting = setInterval(() => { if (measuring(nowMicros())) streamingCounts.push(streaming.size); }, 100);
  const workers = Array.from({ length: RUNS }, (_, index) => worker(index));
  await sleep(WARMUP_SECONDS * 1000);
  const load = loadAverage();
  await Promise.all(workers);
  clearInterval(counting);
  latencies.sort((x, y) => x - y);
  streamingCounts.sort((x, y) => x - y);
  lines.push(`##### (a) Provider chunk → SSE frame at the client, ${RUNS} runs streaming at once`, '',
    `${RUNS} workers, each running one onsite run after another, each on a new thread with one subscriber (a stream `
      + `token, the subscription, then the run); each answer ${WORDS} stamped pieces ${CHUNK_DELAY_MS} ms apart `
      + `(${(answerMs / 1000).toFixed(1)} s), the workers' first runs spread over one answer's length. Measured over `
      + `${SECONDS} s after ${WARMUP_SECONDS} s of the same load; ${completed} runs completed in that window `
      + `(${(completed / SECONDS).toFixed(1)}/s), ${failed} failed. Load average at the start of the window: ${load}.`, '',
    '| Figure | Value | Target | Met |', '|---|---|---|---|',
    `| Runs streaming at once (every 100 ms): median / least | ${percentile(streamingCounts, 50)} / ${streamingCounts[0]} | ${RUNS} | |`,
    ...latencyRows(latencies), '');
}

// (a') The same latency when every run starts at the same instant.
{
  const latencies = [];
  const ended = new Set();
  let failed = 0;
  const closers = [];
  const threads = Array.from({ length: RUNS }, () => randomUUID());
  for (const thread of threads) {
    closers.push(await subscribe(await client.createStreamToken(thread), (kind, frame, arrived) => {
      const latency = latencyOf(kind, frame, arrived);
      if (latency !== null) latencies.push(latency);
      if (kind === 'done' || kind === 'failure') ended.add(frame.runId);
      if (kind === 'failure') failed++;
    }));
  }
  const load = loadAverage();
  const started = Date.now();
  await Promise.all(threads.map((thread) => client.runPrompt(prompt.slug, prompt.version, { text: stamped(BURST_WORDS) },
    { thread, priority: 'onsite' })));
  await until(() => ended.size === RUNS, 'the burst\'s runs ending');
  const seconds = (Date.now() - started) / 1000;
  closers.forEach((close) => close());
  latencies.sort((x, y) => x - y);
  lines.push(`##### (a') The same, ${RUNS} runs posted at the same instant`, '',
    `${RUNS} onsite runs of ${BURST_WORDS} stamped pieces ${CHUNK_DELAY_MS} ms apart `
      + `(${(BURST_WORDS * CHUNK_DELAY_MS / 1000).toFixed(1)} s of streaming each), each subscribed before, posted at `
      + `once after (a); all ended in ${seconds.toFixed(1)} s (${RUNS - failed} completed, ${failed} failed). Load `
      + `average before: ${load}. Harder than (a): every run's start (accept, claim, the provider's first `
      + `answer) falls in the same moment as every other's.`, '',
    '| Figure | Value | Target | Met |', '|---|---|---|---|', ...latencyRows(latencies), '');
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
