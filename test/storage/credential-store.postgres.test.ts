import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/storage/database.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { describeCredentialStoreContract } from './credential-store.contract.ts';

const databaseUrl = await probeTestDatabase();

describeCredentialStoreContract(
  'postgres',
  databaseUrl === undefined
    ? undefined
    : async () => {
        // dataDir is required by the options but unused with a databaseUrl.
        const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-unused-'));
        await rm(dataDir, { recursive: true, force: true });
        return openDatabase({ databaseUrl, dataDir });
      },
);
