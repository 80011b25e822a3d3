import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/storage/database.ts';
import { migrate } from '../../src/storage/migrations.ts';
import { describeCredentialStoreContract } from './credential-store.contract.ts';

describeCredentialStoreContract('embedded', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-contract-'));
  const db = await openDatabase({ dataDir });
  // As every process does with its embedded database before using the stores.
  await migrate(db);
  // The temp directory goes with the database.
  return {
    ...db,
    close: async () => {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
