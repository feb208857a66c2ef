// Helpers of the executor end-to-end tests: a stand-in LLM provider whose answers the test holds back,
// and control over the local stack's run-executor process (kill -9, start with other settings).
import { createServer } from 'node:http';
import { killService, servicesControllable, startServicesWith } from './services.mjs';

/** Whether the tests may stop and start the stack's run-executor (they need its state dir). */
export const executorControllable = servicesControllable;

/**
 * OpenAI's Chat Completions on a free loopback port, whole or streamed (`stream: true`: chunk events, the usage
 * last, then `[DONE]`, as OpenAI streams). While `hold(which)` is in force every request whose last user text
 * `which` accepts (every one by default) waits: a whole answer before anything is sent, a streamed one after its
 * first event (the stream is open, the model "still writing"); `answerAll()` answers those and every later one at
 * once. Each answer is numbered, so an outcome written twice would show.
 */
export async function startHeldProvider() {
  let holding = () => false;
  let answered = 0;
  const held = new Set();
  const requests = [];
  const sockets = new Set();
  const answer = ({ response, text, stream }) => {
    answered += 1;
    const content = `answer #${answered} to ${text}`;
    const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
    if (!stream) {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({
        id: `chatcmpl-held-${answered}`, object: 'chat.completion', model: 'gpt-5.5',
        choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' }],
        usage,
      }));
      return;
    }
    if (!response.headersSent) response.writeHead(200, { 'Content-Type': 'text/event-stream' });
    const chunk = (choices, extra = {}) => `data: ${JSON.stringify({
      id: `chatcmpl-held-${answered}`, object: 'chat.completion.chunk', model: 'gpt-5.5', choices, ...extra })}\n\n`;
    for (const word of content.match(/\S+\s*/g)) {
      response.write(chunk([{ index: 0, delta: { content: word }, finish_reason: null }]));
    }
    response.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
    response.end(`${chunk([], { usage })}data: [DONE]\n\n`);
  };
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const text = body.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
      const entry = { response, text, stream: body.stream === true };
      requests.push(text);
      if (!holding(text)) {
        answer(entry);
        return;
      }
      if (entry.stream) {
        response.writeHead(200, { 'Content-Type': 'text/event-stream' });
        response.write(`data: ${JSON.stringify({ id: 'chatcmpl-held', object: 'chat.completion.chunk', model: 'gpt-5.5',
          choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`);
      }
      held.add(entry);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    hold(which = () => true) { holding = which; },
    held: () => held.size,
    /** How many different texts `which` accepts are waiting for an answer (a retried request counts once). */
    heldWhere: (which) => new Set([...held].filter((entry) => which(entry.text) && !entry.response.destroyed)
      .map((entry) => entry.text)).size,
    /** How many requests asked about `text` (a run executed again asks again). */
    requestsFor: (text) => requests.filter((r) => r === text).length,
    answerAll() {
      holding = () => false;
      for (const entry of held) {
        if (!entry.response.destroyed) answer(entry);
      }
      held.clear();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Kills the local stack's run-executor without warning, as a crash or an OOM kill would. */
export const killExecutor = () => killService('run-executor');

export { startServicesWith };
