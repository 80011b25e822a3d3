/** The child process of kaleyra-arrivals.ts: a fake Kaleyra that notes when each send arrived. */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { acceptedWithFreshId, referenceIdOf, startFakeKaleyra } from './fake-kaleyra.ts';

const send = (message: object) => process.send?.(message);
const kaleyra = await startFakeKaleyra();
const arrivals: Array<[string, number]> = [];
const lag = monitorEventLoopDelay({ resolution: 5 });
lag.enable();
kaleyra.respondWith((request) => {
  arrivals.push([referenceIdOf(request) ?? '', performance.timeOrigin + performance.now()]);
  return acceptedWithFreshId();
});
process.on('message', (message: { op: 'arrivals' } | { op: 'close' }) => {
  if (message.op === 'arrivals') send({ op: 'arrivals', arrivals, lagMaxMs: lag.max / 1e6 });
  else void kaleyra.close().then(() => process.exit(0));
});
send({ op: 'ready', url: kaleyra.url });
