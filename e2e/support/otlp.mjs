// A stand-in for an OpenTelemetry collector: an OTLP/HTTP receiver (protobuf encoding, what the services export)
// on a fixed loopback port, keeping every span it is sent. The decoder reads only the fields the tests look at
// (opentelemetry-proto's trace/v1 and common/v1 field numbers); everything else is skipped.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** The port the stack exports to: platform's test_suite sets QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT from it. */
export const otlpPort = Number(process.env.PJ_OTLP_PORT ?? 28318);

const KIND = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

function varint(buffer, start) {
  let value = 0n;
  let shift = 0n;
  let position = start;
  for (;;) {
    const byte = buffer[position++];
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [value, position];
    shift += 7n;
  }
}

/** The fields of one protobuf message: { field, value } with value a BigInt (varint) or a Buffer. */
function* fields(buffer) {
  let position = 0;
  while (position < buffer.length) {
    const [key, next] = varint(buffer, position);
    position = next;
    const field = Number(key >> 3n);
    switch (Number(key & 7n)) {
      case 0: {
        const [value, after] = varint(buffer, position);
        position = after;
        yield { field, value };
        break;
      }
      case 1:
        yield { field, value: buffer.subarray(position, position + 8) };
        position += 8;
        break;
      case 2: {
        const [length, after] = varint(buffer, position);
        position = after + Number(length);
        yield { field, value: buffer.subarray(after, position) };
        break;
      }
      case 5:
        yield { field, value: buffer.subarray(position, position + 4) };
        position += 4;
        break;
      default:
        throw new Error(`unsupported protobuf wire type in field ${field}`);
    }
  }
}

function anyValue(buffer) {
  for (const { field, value } of fields(buffer)) {
    if (field === 1) return value.toString('utf8');
    if (field === 2) return value !== 0n;
    if (field === 3) return Number(BigInt.asIntN(64, value));
    if (field === 4) return value.readDoubleLE(0);
  }
  return null;
}

function attributes(list) {
  const result = {};
  for (const buffer of list) {
    let key;
    let value = null;
    for (const f of fields(buffer)) {
      if (f.field === 1) key = f.value.toString('utf8');
      if (f.field === 2) value = anyValue(f.value);
    }
    result[key] = value;
  }
  return result;
}

function span(buffer, service) {
  const result = { service, traceId: '', spanId: '', parentSpanId: '', name: '', kind: 'unspecified', status: 0 };
  const attributeList = [];
  for (const { field, value } of fields(buffer)) {
    if (field === 1) result.traceId = value.toString('hex');
    else if (field === 2) result.spanId = value.toString('hex');
    else if (field === 4) result.parentSpanId = value.toString('hex');
    else if (field === 5) result.name = value.toString('utf8');
    else if (field === 6) result.kind = KIND[Number(value)];
    else if (field === 9) attributeList.push(value);
    else if (field === 15) for (const s of fields(value)) if (s.field === 3) result.status = Number(s.value);
  }
  result.attributes = attributes(attributeList);
  return result;
}

/** The spans of an ExportTraceServiceRequest, each with its resource's service.name. */
export function decodeExport(buffer) {
  const spans = [];
  for (const resourceSpans of fields(buffer)) {
    if (resourceSpans.field !== 1) continue;
    let service;
    const scopes = [];
    for (const { field, value } of fields(resourceSpans.value)) {
      if (field === 1) {
        const resource = attributes([...fields(value)].filter((f) => f.field === 1).map((f) => f.value));
        service = resource['service.name'];
      } else if (field === 2) {
        scopes.push(value);
      }
    }
    for (const scope of scopes) {
      for (const { field, value } of fields(scope)) if (field === 2) spans.push(span(value, service));
    }
  }
  return spans;
}

/** Starts the receiver; `spans` grows as the services export. */
export async function startOtlpReceiver(port = otlpPort) {
  const spans = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      spans.push(...decodeExport(body));
      // An empty ExportTraceServiceResponse: everything accepted.
      response.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    spans,
    /** The spans of one trace received so far. */
    trace: (traceId) => spans.filter((s) => s.traceId === traceId),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
