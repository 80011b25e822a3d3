import type { WorkspaceCredentials } from '../domain/workspace-settings.ts';
import type { BulkPauses } from '../storage/bulk-pauses.ts';
import type { CredentialStore } from '../storage/credential-store.ts';

/**
 * The workspace's settings, saved (Slack's settings form or `orderstatus credentials set`, any
 * process) so that its unfinished bulk jobs follow the default template: a job whose rows name no
 * template of their own goes out with the default as last saved, and one paused because its template
 * was stopped goes on at once when the new default is not stopped. The template goes with the job, so a
 * replica whose cached settings are a few seconds old still sends the new one.
 */
export function followDefaultTemplate(
  store: CredentialStore,
  deps: {
    pauses: Pick<BulkPauses, 'followDefault'>;
    /** The settings were saved but the jobs could not be told: they follow on the next save. */
    onError: (error: unknown, workspaceId: string) => void;
  },
): CredentialStore {
  async function follow(workspaceId: string, saved: WorkspaceCredentials): Promise<WorkspaceCredentials> {
    try {
      await deps.pauses.followDefault(workspaceId, {
        name: saved.templateName,
        language: saved.languageCode,
      });
    } catch (error) {
      deps.onError(error, workspaceId);
    }
    return saved;
  }
  return {
    ...store,
    async set(workspaceId, settings, updatedBy, now) {
      return follow(workspaceId, await store.set(workspaceId, settings, updatedBy, now));
    },
    async update(workspaceId, changes, updatedBy, now) {
      return follow(workspaceId, await store.update(workspaceId, changes, updatedBy, now));
    },
  };
}
