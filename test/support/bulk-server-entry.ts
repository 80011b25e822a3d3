/**
 * The real server (src/server.ts, signals handled as in production) with a short bulk lease and poll,
 * for tests that kill it mid-job: another process must not wait a minute for the rows it held.
 */
import { startServer } from '../../src/server.ts';

const seconds = Number(process.env.TEST_BULK_LEASE_SECONDS ?? '2');
startServer(process.env, {
  handleSignals: true,
  bulk: { leaseSeconds: seconds, pollMs: 100, editMs: 200 },
}).catch((error: unknown) => {
  process.stderr.write(`cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
