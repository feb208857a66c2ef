// The collector of bench/tracing.sh: an OTLP/HTTP receiver on loopback that decodes what the services export and
// keeps only a count, printed on SIGTERM (the spans received show that tracing was on, and how much of it).
import { startOtlpReceiver } from '../e2e/support/otlp.mjs';

const port = Number(process.argv[2]);
const receiver = await startOtlpReceiver(port);
console.log(`OTLP receiver on 127.0.0.1:${port}`);
let counted = 0;
setInterval(() => {
  // The spans are only counted: dropping them keeps the receiver's memory flat over a long run.
  counted += receiver.spans.length;
  receiver.spans.length = 0;
}, 1000).unref();
process.on('SIGTERM', async () => {
  console.log(`spans received: ${counted + receiver.spans.length}`);
  await receiver.close();
  process.exit(0);
});
