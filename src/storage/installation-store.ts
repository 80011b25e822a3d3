import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type Keyv from 'keyv';
import * as v from 'valibot';
import { StorageError } from '../errors/storage-error.ts';
import type { Cipher } from './encryption.ts';
import { listEntries } from './keyv-store.ts';

const KEY_PREFIX = 'installation:';
const StoredInstallationSchema = v.object({ sealed: v.pipe(v.string(), v.nonEmpty()) });

/**
 * Bolt's OAuth installations in the same Keyv/Postgres. Each installation (bot and user tokens) is
 * sealed whole with the API-key cipher (AAD `installation:<workspace>`, so neither a credentials value nor
 * another workspace's installation can be swapped in), so no token is stored readable.
 */
export function createInstallationStore(keyv: Keyv<unknown>, cipher: Cipher) {
  const workspaceOf = (query: {
    isEnterpriseInstall?: boolean | undefined;
    enterpriseId?: string | undefined;
    teamId?: string | undefined;
  }) => {
    const id = query.isEnterpriseInstall ? query.enterpriseId : (query.teamId ?? query.enterpriseId);
    if (!id) throw new StorageError('An installation without a team or enterprise id cannot be stored');
    return id;
  };

  async function run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof StorageError) throw error;
      throw new StorageError(`Could not ${what} the Slack installation: the database is unreachable`, {
        cause: error,
      });
    }
  }

  const store: InstallationStore & {
    deleteWorkspace(workspaceId: string): Promise<void>;
    reencryptAll(): Promise<number>;
  } = {
    async storeInstallation(installation: Installation) {
      const workspaceId = workspaceOf({
        isEnterpriseInstall: installation.isEnterpriseInstall === true,
        ...(installation.enterprise?.id ? { enterpriseId: installation.enterprise.id } : {}),
        ...(installation.team?.id ? { teamId: installation.team.id } : {}),
      });
      const sealed = cipher.encrypt(JSON.stringify(installation), `${KEY_PREFIX}${workspaceId}`);
      await run('save', () => keyv.set(`${KEY_PREFIX}${workspaceId}`, { sealed }));
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const workspaceId = workspaceOf(query);
      const raw = await run('read', () => keyv.get(`${KEY_PREFIX}${workspaceId}`));
      const parsed = v.safeParse(StoredInstallationSchema, raw);
      if (!parsed.success) throw new Error(`No Slack installation for ${workspaceId}`);
      return JSON.parse(cipher.decrypt(parsed.output.sealed, `${KEY_PREFIX}${workspaceId}`)) as Installation;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await store.deleteWorkspace(workspaceOf(query));
    },
    async deleteWorkspace(workspaceId: string) {
      await run('delete', () => keyv.delete(`${KEY_PREFIX}${workspaceId}`));
    },
    /** Re-seals every installation not sealed with the current key; returns how many. */
    async reencryptAll() {
      const entries = await run('list', () => listEntries(keyv, KEY_PREFIX));
      let rewritten = 0;
      for (const [workspaceId, value] of entries) {
        const parsed = v.safeParse(StoredInstallationSchema, value);
        if (!parsed.success || !cipher.needsReencrypt(parsed.output.sealed)) continue;
        const aad = `${KEY_PREFIX}${workspaceId}`;
        const sealed = cipher.encrypt(cipher.decrypt(parsed.output.sealed, aad), aad);
        await run('save', () => keyv.set(aad, { sealed }));
        rewritten += 1;
      }
      return rewritten;
    },
  };
  return store;
}
