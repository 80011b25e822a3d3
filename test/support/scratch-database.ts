import { afterAll } from 'vitest';
import { createScratchDatabase, probeTestDatabase, type ScratchDatabase } from './postgres.ts';

export { createScratchDatabase, type ScratchDatabase };

/**
 * The embedded store, and a scratch Postgres database of the file's own (dropped after the file), for
 * `describe.each`: for tests whose background workers (bulk worker, customers' messages sweeper) would
 * otherwise take other test files' work on the shared test database, or have theirs taken.
 */
export async function ownStorageModes(
  label: string,
): Promise<
  Array<[name: string, storage: { kind: 'embedded' } | { kind: 'postgres'; url: string } | undefined]>
> {
  const pgUrl = await probeTestDatabase();
  const scratch = pgUrl ? await createScratchDatabase(pgUrl, label) : undefined;
  afterAll(async () => {
    await scratch?.drop();
  });
  return [
    ['embedded store', { kind: 'embedded' }],
    ['Postgres', scratch ? { kind: 'postgres', url: scratch.url } : undefined],
  ];
}

/**
 * For a test file (top level): a scratch database of its own on the test Postgres, dropped after the
 * file's tests; undefined when the test Postgres did not answer (skip with `describe.skipIf`).
 */
export async function useScratchDatabase(label: string): Promise<ScratchDatabase | undefined> {
  const url = await probeTestDatabase();
  const scratch = url ? await createScratchDatabase(url, label) : undefined;
  afterAll(async () => {
    await scratch?.drop();
  });
  return scratch;
}
