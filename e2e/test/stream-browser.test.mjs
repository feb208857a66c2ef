// The official browser SDK (@promptjuggler/browser, its dist ESM file as published) in a real browser: headless
// Chromium from the distribution's packages, driven by playwright-core. A page served by this test follows a
// thread with a stream token its backend (this test, with @promptjuggler/sdk) mints; it subscribes before the run
// starts, shows the tokens in order, and its final text is the run's stored output.
//
// The one stream test that needs run-executor's frames: the others (stream.test.mjs) publish their own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PromptJuggler } from '@promptjuggler/sdk';
import { chromium } from 'playwright-core';
import { gatewayUrl, newTenant, publishPrompt, untilFinished } from '../support/platform.mjs';

const CHROMIUM = '/usr/bin/chromium';
const SDK_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '@promptjuggler', 'browser', 'dist');

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>thread</title></head>
<body><pre id="text"></pre>
<script type="module">
  import { PromptJugglerStream } from '/sdk/index.js';
  const thread = new URLSearchParams(location.search).get('thread');
  const view = { connected: false, tokens: [], text: '', done: null };
  window.view = view;
  const stream = new PromptJugglerStream({
    // The customer's backend mints the token; the browser never sees an API key.
    getToken: async () => (await fetch('/stream-token?thread=' + thread)).json(),
  });
  stream.on('connected', () => { view.connected = true; });
  stream.on('token', ({ runId, seq, text }) => view.tokens.push({ runId, seq, text }));
  stream.on('text', ({ text }) => { view.text = text; document.getElementById('text').textContent = text; });
  stream.on('done', ({ runId, gapped }) => { view.done = { runId, gapped }; });
  stream.connect();
</script></body></html>`;

let client;
let prompt;
let server;
let pageUrl;
let browser;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (the distribution's package)`);
  const key = await newTenant('e2e browser stream');
  client = new PromptJuggler(key, { baseUrl: gatewayUrl });
  prompt = await publishPrompt(key, 'Browser stream', {
    provider: 'openai', model: 'gpt-5.5', messages: [{ role: 'user', content: 'Tell me about {{topic}} in a few words' }],
  });
  // The customer's web server: the page, the SDK's files, and the backend's token endpoint.
  server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://localhost');
    if (url.pathname === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE);
    } else if (url.pathname.startsWith('/sdk/') && /^[\w.-]+\.js$/.test(url.pathname.slice(5))) {
      response.writeHead(200, { 'Content-Type': 'text/javascript' })
        .end(readFileSync(join(SDK_DIST, url.pathname.slice(5))));
    } else if (url.pathname === '/stream-token') {
      const grant = await client.createStreamToken(url.searchParams.get('thread'));
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(grant));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

test('the browser SDK follows a run it subscribed to before it started: tokens in order, the final text is the output', async () => {
  const thread = randomUUID();
  const page = await browser.newPage();
  try {
    await page.goto(`${pageUrl}?thread=${thread}`);
    await page.waitForFunction(() => window.view?.connected === true, null, { timeout: 30_000 });

    const run = await client.runPrompt(prompt.slug, prompt.version, { topic: 'streams' }, { thread, priority: 'onsite' });
    assert.equal(run.thread, thread, 'the run took the thread the page follows');
    await page.waitForFunction((id) => window.view.done?.runId === id, run.id, { timeout: 60_000 });
    const view = await page.evaluate(() => window.view);
    const stored = await untilFinished((id) => client.getPromptRun(id), run.id);

    assert.equal(stored.status, 'completed');
    assert.equal(view.done.gapped, false, 'the page saw the whole run');
    const tokens = view.tokens.filter((t) => t.runId === run.id);
    // Providers are called in streaming mode, and the simulator streams its answer a word at a time: a token each.
    assert.equal(tokens.length, stored.output.match(/\S+\s*/g).length, 'a token frame per streamed word');
    assert.deepEqual(tokens.map((t) => t.seq), tokens.map((_, i) => i + 1), 'tokens in order, none missing or repeated');
    assert.equal(tokens.map((t) => t.text).join(''), stored.output);
    assert.equal(view.text, stored.output);
    assert.equal(await page.textContent('#text'), stored.output, 'the page shows the output');
  } finally {
    await page.close();
  }
});
