// A webhook receiver for trying the platform locally (`./platform receiver`): it accepts POSTs on
// 127.0.0.1:$PJ_RECEIVER_PORT, verifies the PromptJuggler-Signature header with the official SDK against the
// endpoint secrets listed in $PJ_RECEIVER_SECRETS (one per line, read again on every delivery, so a webhook
// registered while it runs is verified too), prints one line per verified delivery and answers 204. A
// delivery no secret verifies is printed as rejected and answered 401, so the dispatcher retries it.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { verifyWebhookSignature } from '@promptjuggler/sdk';

const port = Number(process.env.PJ_RECEIVER_PORT ?? 18099);
const secretsFile = process.env.PJ_RECEIVER_SECRETS ?? '.local/dev/receiver-secrets';

function secrets() {
  try {
    return readFileSync(secretsFile, 'utf8').split('\n').map((line) => line.trim()).filter(Boolean);
  } catch {
    return [];
  }
}

async function verified(rawBody, signature) {
  if (!signature) return false;
  for (const secret of secrets()) {
    if (await verifyWebhookSignature(rawBody, signature, secret)) return true;
  }
  return false;
}

/** The delivery in one line: event, id, status and counts, then the event id and attempt from the headers. */
function describe(body, headers) {
  const { event, id, ...rest } = body;
  const fields = Object.entries(rest).map(([name, value]) => `${name}=${value}`).join(' ');
  return `${event} ${id} ${fields} (event id ${headers['promptjuggler-event-id']}, attempt ${headers['promptjuggler-attempt']})`;
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', async () => {
    const rawBody = Buffer.concat(chunks).toString('utf8');
    if (request.method !== 'POST') {
      response.writeHead(405).end();
      return;
    }
    if (!(await verified(rawBody, request.headers['promptjuggler-signature']))) {
      console.log(`rejected: no secret in ${secretsFile} verifies this delivery's signature: ${rawBody}`);
      response.writeHead(401).end();
      return;
    }
    let body;
    try {
      body = JSON.parse(rawBody);
    } catch {
      console.log(`rejected: verified but not JSON: ${rawBody}`);
      response.writeHead(400).end();
      return;
    }
    console.log(`verified ${describe(body, request.headers)}`);
    response.writeHead(204).end();
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log(`webhook receiver on http://127.0.0.1:${port}/ (secrets from ${secretsFile}); Ctrl-C stops it`);
});
