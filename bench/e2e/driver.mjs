// The end-to-end benchmark's load and its receiver (bench/e2e.sh starts it against a stack of its own): a tenant,
// an API key, a published prompt and a webhook endpoint made through the APIs, a loopback receiver that verifies
// every delivery's signature with the official SDK, then create-run POSTs at a steady rate, for each rate of
// BENCH_RATES: BENCH_WARMUP_SECONDS of warm-up, then BENCH_SECONDS measured, then a drain until every accepted run's
// webhook was verified (or BENCH_DRAIN_SECONDS passed). The schedule is open: a POST goes out at its time whether
// or not earlier ones were answered, as users' requests do.
// With BENCH_BARE_SECRET set, the same load and receiver drive the bare pipeline (bench/e2e/BarePipeline.java) instead.
// Writes one CSV line per POST (BENCH_OUT) with the client's times in epoch milliseconds (sub-millisecond), which
// e2e.sh joins with the timestamps the platform stores, and one JSON line per rate (BENCH_SUMMARY) with what only
// the driver knows: the rate achieved, answers other than 202, deliveries not received, the backlog.
import { createServer, Agent, request } from 'node:http';
import { createWriteStream, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { verifyWebhookSignature } from '@promptjuggler/sdk';

const gateway = new URL(process.env.BENCH_GATEWAY_URL);
const bootstrapToken = process.env.BENCH_BOOTSTRAP_TOKEN;
const receiverPort = Number(process.env.BENCH_RECEIVER_PORT);
const rates = (process.env.BENCH_RATES ?? '50,500').split(',').map(Number);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 60);
const measuredSeconds = Number(process.env.BENCH_SECONDS ?? 60);
const drainSeconds = Number(process.env.BENCH_DRAIN_SECONDS ?? 120);
// Before the first rate, BENCH_JIT_SECONDS at BENCH_JIT_RATE runs/s, not measured and drained, for the JIT compilers
// of five fresh JVMs: at 50 runs/s alone the stack spent 30 ms of CPU per run in its first two minutes, 20 ms after
// such a minute, and after one minute of it the compilers still worked in bursts that made the slowest runs at 50
// runs/s, after three no longer (docs/benchmarks.md, e2e journal); a user of a platform that has been up a while
// meets compiled code.
const jitRate = Number(process.env.BENCH_JIT_RATE ?? 200);
const jitSeconds = Number(process.env.BENCH_JIT_SECONDS ?? 180);

// The stack's processes whose CPU time is accounted (name=pid,…: each with its descendants, e.g. PostgreSQL's
// backends under the postmaster), and the kernel's clock ticks per second.
const components = (process.env.BENCH_CPU_PIDS ?? '').split(',').filter(Boolean)
  .map((entry) => ({ name: entry.split('=')[0], pid: Number(entry.split('=')[1]) }));
const ticksPerSecond = Number(process.env.BENCH_CLK_TCK ?? 100);

/**
 * CPU time so far, in ms: per component (user + system of the process and its descendants, with what their
 * exited children spent), this process's own (the driver and the receiver), and the machine's busy and total time.
 */
function cpuSnapshot() {
  const processes = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      processes.set(Number(entry), { parent: Number(fields[1]), ms: (ticks * 1000) / ticksPerSecond });
    } catch {
      // gone meanwhile
    }
  }
  const total = (pid) => (processes.get(pid)?.ms ?? 0)
    + [...processes].filter(([, p]) => p.parent === pid).reduce((sum, [child]) => sum + total(child), 0);
  const usage = process.cpuUsage();
  const machine = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = machine;
  return {
    components: Object.fromEntries([...components.map(({ name, pid }) => [name, total(pid)]),
      ['driver and receiver (Node)', (usage.user + usage.system) / 1000]]),
    busyMs: ((user + nice + system + irq + softirq + steal) * 1000) / ticksPerSecond,
    allMs: ((user + nice + system + idle + iowait + irq + softirq + steal) * 1000) / ticksPerSecond,
  };
}

/**
 * CPU time so far of each thread of the components that are one multi-threaded process (the JVMs and Kafka; the
 * postmaster's backends are processes of their own, accounted above), in ms of user + system time, by thread id, with
 * the group it counts in: its component and its name as the kernel keeps it (the first 15 characters), digits as #.
 * The groups show where a component's share goes (its event loops, its Kafka clients' threads, the broker's request
 * threads, the JIT compilers, ...).
 */
function threadSnapshot() {
  const threads = {};
  for (const { name, pid } of components) {
    let tasks;
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    if (tasks.length < 2) continue;
    for (const task of tasks) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
        const thread = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+/g, '#');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        threads[`${pid}/${task}`] = {
          group: `${name}: ${thread}`,
          ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond,
        };
      } catch {
        // ended meanwhile
      }
    }
  }
  return threads;
}

/** What each group of threads spent between two threadSnapshots, per run; groups under 0.01 ms left out. */
function perGroup(before, after, runs) {
  const groups = {};
  for (const [id, { group, ms }] of Object.entries(after)) {
    groups[group] = (groups[group] ?? 0) + (ms - (before[id]?.ms ?? 0)) / runs;
  }
  return Object.fromEntries(Object.entries(groups).filter(([, ms]) => ms >= 0.01));
}

// Wall-clock time with the monotonic clock's resolution: comparable with PostgreSQL's now() on the same machine.
const now = () => performance.timeOrigin + performance.now();

// Keep-alive connections, as an SDK client holds them; enough that 500 POSTs/s never wait for a free socket.
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function call(method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(new URL(path, gateway), {
      method,
      agent,
      headers: { ...headers, ...(payload ? { 'Content-Type': 'application/json' } : {}) },
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode, body: text ? JSON.parse(text) : undefined, at: now() });
      });
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function setUp(receiverUrl) {
  const tenant = await call('POST', '/manage/v1/bootstrap', {
    headers: { 'X-Bootstrap-Token': bootstrapToken },
    body: { tenantName: `bench e2e ${Date.now()}` },
  });
  if (tenant.status !== 201 && tenant.status !== 200) throw new Error(`bootstrap: ${tenant.status} ${JSON.stringify(tenant.body)}`);
  const key = tenant.body.apiKey.key;
  const auth = { Authorization: `Bearer ${key}` };
  const prompt = await call('POST', '/manage/v1/prompts', {
    headers: auth,
    body: { name: 'Bench', draft: { provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content: 'Say hello to {{name}}' }] } },
  });
  if (prompt.status >= 300) throw new Error(`prompt: ${prompt.status} ${JSON.stringify(prompt.body)}`);
  const version = await call('POST', `/manage/v1/prompts/${prompt.body.slug}/versions`, { headers: auth, body: { changeNote: 'bench' } });
  if (version.status >= 300) throw new Error(`publish: ${version.status} ${JSON.stringify(version.body)}`);
  const webhook = await call('POST', '/manage/v1/webhooks', {
    headers: auth,
    body: { url: receiverUrl, events: ['promptrun.finished'] },
  });
  if (webhook.status >= 300) throw new Error(`webhook: ${webhook.status} ${JSON.stringify(webhook.body)}`);
  return { auth, path: `/api/v1/prompts/${prompt.body.slug}/${version.body.version}/runs`, secret: webhook.body.secret };
}

// Run id -> when its delivery arrived (request head read) and when its signature was verified.
const deliveries = new Map();
let rejected = 0;
let secret;

const receiver = createServer((req, res) => {
  const arrived = now();
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    const rawBody = Buffer.concat(chunks).toString('utf8');
    if (!(await verifyWebhookSignature(rawBody, req.headers['promptjuggler-signature'] ?? '', secret))) {
      rejected++;
      res.writeHead(401).end();
      return;
    }
    const verified = now();
    const { id } = JSON.parse(rawBody);
    // A repeated delivery (same event) keeps the first arrival: that is when the user had it.
    if (!deliveries.has(id)) deliveries.set(id, { arrived, verified });
    res.writeHead(204).end();
  });
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A POST whose webhook was not verified (yet): not accepted, or accepted and still awaited. */
const unverified = (record) => !(record.runId && deliveries.has(record.runId));
/** An accepted POST whose webhook is still awaited. */
const awaited = (record) => Boolean(record.runId) && !deliveries.has(record.runId);

/** Waits until no accepted POST of `records` awaits its webhook, or BENCH_DRAIN_SECONDS passed. */
async function drain(records) {
  const until = now() + drainSeconds * 1000;
  while (now() < until && records.some(awaited)) await sleep(50);
}

/** POSTs at `rate` per second for `seconds`, each at its scheduled time; resolves with one record per POST. */
async function steady(target, rate, seconds, phase, samples, sent) {
  const total = Math.round(rate * seconds);
  const records = [];
  const answers = [];
  const start = now() + 5;
  let next = 0;
  while (next < total) {
    const due = Math.min(total, Math.floor(((now() - start) * rate) / 1000) + 1);
    for (; next < due; next++) {
      const record = { phase, rate, scheduled: start + (next * 1000) / rate, sent: now() };
      records.push(record);
      sent.push(record);
      answers.push(call('POST', target.path, { headers: target.auth, body: { inputs: { name: 'Ada' } } }).then(
        (answer) => Object.assign(record, { status: answer.status, answered: answer.at, runId: answer.body?.id }),
        (error) => Object.assign(record, { status: 0, answered: now(), error: String(error) }),
      ));
    }
    samples?.();
    await sleep(1);
  }
  return { records, answered: Promise.all(answers) };
}

async function main() {
  await new Promise((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
  // BENCH_BARE_SECRET: the target is bench/e2e/BarePipeline.java (no APIs to set up; it signs with this secret).
  const target = process.env.BENCH_BARE_SECRET
    ? { auth: {}, path: '/runs', secret: process.env.BENCH_BARE_SECRET }
    : await setUp(`http://127.0.0.1:${receiverPort}/`);
  secret = target.secret;
  const out = createWriteStream(process.env.BENCH_OUT);
  out.write('rate,phase,scheduled_ms,sent_ms,answered_ms,status,run_id,arrived_ms,verified_ms\n');
  const summaries = [];
  if (jitSeconds > 0) {
    const sent = [];
    const jit = await steady(target, jitRate, jitSeconds, 'jit', undefined, sent);
    await jit.answered;
    await drain(sent);
    console.log(JSON.stringify({ jitWarmup: { rate: jitRate, seconds: jitSeconds, runs: sent.length,
      undelivered: sent.filter(unverified).length } }));
  }
  for (const rate of rates) {
    // The backlog while measuring, once a second: POSTs of this rate sent whose webhook was not verified yet.
    let peakBacklog = 0;
    let lastSample = now();
    const sent = [];
    const sample = () => {
      if (now() - lastSample < 1000) return;
      lastSample = now();
      peakBacklog = Math.max(peakBacklog, sent.filter(unverified).length);
    };
    const cpuAtStart = cpuSnapshot();
    const threadsAtStart = threadSnapshot();
    const warmup = await steady(target, rate, warmupSeconds, 'warmup', undefined, sent);
    const cpuAtMeasuring = cpuSnapshot();
    const measured = await steady(target, rate, measuredSeconds, 'measured', sample, sent);
    const sendingEnded = now();
    const cpuAtSendingEnd = cpuSnapshot();
    const records = [...warmup.records, ...measured.records];
    const backlogAtEnd = records.filter(unverified).length;
    await Promise.all([warmup.answered, measured.answered]);
    await drain(records);
    const drained = now();
    const cpuAtEnd = cpuSnapshot();
    const threadsAtEnd = threadSnapshot();
    for (const r of records) {
      const d = r.runId ? deliveries.get(r.runId) : undefined;
      out.write([rate, r.phase, r.scheduled.toFixed(3), r.sent.toFixed(3), r.answered.toFixed(3), r.status,
        r.runId ?? '', d ? d.arrived.toFixed(3) : '', d ? d.verified.toFixed(3) : ''].join(',') + '\n');
    }
    const m = measured.records;
    const sendSeconds = (m.at(-1).sent - m[0].sent) / 1000;
    summaries.push({
      rate,
      measuredRuns: m.length,
      sendRate: (m.length - 1) / sendSeconds,
      lateSends: m.filter((r) => r.sent - r.scheduled > 5).length,
      notAccepted: m.filter((r) => !(r.status >= 200 && r.status < 300)).length,
      statuses: [...new Set(m.map((r) => r.status))],
      notDelivered: m.filter(awaited).length,
      backlogAtEndOfSending: backlogAtEnd,
      peakBacklog,
      drainSeconds: (drained - sendingEnded) / 1000,
      rejectedSignatures: rejected,
      // CPU per run all told: from the warm-up's start to the drain's end, over every run of this rate.
      cpuMsPerRun: Object.fromEntries(Object.keys(cpuAtEnd.components).map((name) =>
        [name, (cpuAtEnd.components[name] - cpuAtStart.components[name]) / records.length])),
      // The same per group of threads (threadSnapshot), those of 0.01 ms or more; a thread that ended before the
      // drain's end is not counted.
      threadCpuMsPerRun: perGroup(threadsAtStart, threadsAtEnd, records.length),
      // The machine's busy share of its CPU time while the measured POSTs were sent (1 = every core busy).
      machineBusyMeasured: (cpuAtSendingEnd.busyMs - cpuAtMeasuring.busyMs) / (cpuAtSendingEnd.allMs - cpuAtMeasuring.allMs),
    });
    console.log(JSON.stringify(summaries.at(-1)));
  }
  await new Promise((resolve) => out.end(resolve));
  writeFileSync(process.env.BENCH_SUMMARY, summaries.map((s) => JSON.stringify(s)).join('\n') + '\n');
  receiver.close();
  agent.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
