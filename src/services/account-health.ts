import { randomUUID } from 'node:crypto';
import {
  type NumberQualityEvent,
  QUALITY_FLAGGING_EVENTS,
  QUALITY_LIFTING_EVENTS,
  TEMPLATE_BLOCKING_EVENTS,
  TEMPLATE_LIFTING_EVENTS,
  type TemplateStatusEvent,
} from '../domain/incoming-message.ts';
import type { WorkspaceCredentials } from '../domain/workspace-settings.ts';
import { NotConfiguredError } from '../errors/not-configured-error.ts';
import type { AccountHealthStore, AccountHealthView } from '../storage/account-health-store.ts';
import type { BulkJobs } from '../storage/bulk-jobs.ts';

/** A template or the business number whose state changed what may be sent. */
export type AccountChange =
  | {
      kind: 'template';
      templateName: string;
      event: string;
      blocked: boolean;
      reason: string | undefined;
      since: Date;
    }
  | {
      kind: 'number';
      businessNumber: string;
      event: string;
      flagged: boolean;
      currentLimit: string | undefined;
      since: Date;
    };

export type AccountHealthDeps = {
  store: Pick<AccountHealthStore, 'applyTemplate' | 'applyQuality' | 'override' | 'read'>;
  credentials: { get(workspaceId: string): Promise<WorkspaceCredentials | undefined> };
  /** Bulk jobs the flag paused: resumed with the override. */
  bulkJobs: Pick<BulkJobs, 'resume'>;
  newId?: () => string;
};

/** WhatsApp's failures that say what Meta did to the template: learnt as if its event had come. */
export const TEMPLATE_FAILURE_EVENTS: Readonly<Record<string, string>> = {
  '132015': 'PAUSED',
  '132016': 'DISABLED',
};

/** What a send's failure says about its template, when it says anything. */
export function templateEventOfFailure(code: string | undefined): string | undefined {
  return code !== undefined && Object.hasOwn(TEMPLATE_FAILURE_EVENTS, code)
    ? TEMPLATE_FAILURE_EVENTS[code]
    : undefined;
}

/** `PAUSED` → true (refuse), `REINSTATED` → false (allow), anything else → undefined (no change). */
export function templateBlocking(event: string): boolean | undefined {
  if (TEMPLATE_BLOCKING_EVENTS.has(event)) return true;
  if (TEMPLATE_LIFTING_EVENTS.has(event)) return false;
  return undefined;
}

export function numberFlagging(event: string): boolean | undefined {
  if (QUALITY_FLAGGING_EVENTS.has(event)) return true;
  if (QUALITY_LIFTING_EVENTS.has(event)) return false;
  return undefined;
}

/**
 * Meta's template-status and number-quality events into the store, for the workspace whose callback
 * credentials they came with. Returns what changed (a repeated event changes nothing), so it is
 * announced once.
 */
export function createAccountHealth(deps: AccountHealthDeps) {
  return {
    async record(
      workspaceId: string,
      events: {
        templateEvents: readonly TemplateStatusEvent[];
        qualityEvents: readonly NumberQualityEvent[];
      },
    ): Promise<AccountChange[]> {
      const changes: AccountChange[] = [];
      for (const event of events.templateEvents) {
        const blocked = templateBlocking(event.event);
        const applied = await deps.store.applyTemplate({
          workspaceId,
          templateName: event.templateName,
          event: event.event,
          blocked,
          reason: event.reason,
          source: 'event',
        });
        if (applied.changed && blocked !== undefined) {
          changes.push({
            kind: 'template',
            templateName: event.templateName,
            event: event.event,
            blocked,
            reason: event.reason,
            since: applied.since,
          });
        }
      }
      for (const event of events.qualityEvents) {
        // Without a number in the event, it is about the number this workspace sends from.
        const businessNumber = event.businessNumber
          ? `+${event.businessNumber}`
          : (await deps.credentials.get(workspaceId))?.businessNumber;
        if (!businessNumber) continue;
        const flagged = numberFlagging(event.event);
        const applied = await deps.store.applyQuality({
          workspaceId,
          businessNumber,
          event: event.event,
          flagged,
          currentLimit: event.currentLimit,
        });
        if (applied.changed && flagged !== undefined) {
          changes.push({
            kind: 'number',
            businessNumber,
            event: event.event,
            flagged,
            currentLimit: event.currentLimit,
            since: applied.since,
          });
        }
      }
      return changes;
    },

    /**
     * A send failed with 132015/132016 (Kaleyra's answer, or a status callback): the template is marked
     * paused or disabled as if Meta's event had come, so the next send is refused before Kaleyra. The
     * template is named, or is the one the attempt was sent with. True when that changed its state.
     */
    async learnFromFailure(
      workspaceId: string,
      failure: { code: string; templateName?: string | undefined; attemptId?: string | undefined },
    ): Promise<boolean> {
      const event = templateEventOfFailure(failure.code);
      if (event === undefined) return false;
      const applied = await deps.store.applyTemplate({
        workspaceId,
        templateName: failure.templateName,
        attemptId: failure.attemptId,
        event,
        blocked: true,
        reason: `WhatsApp failed a send with ${failure.code}`,
        source: 'send',
      });
      return applied.changed;
    },

    /**
     * An admin resumes bulk sends although Meta flagged the number (journaled), and the bulk jobs the
     * flag paused go on; the next flag pauses them again. `overridden` undefined when the number is not
     * flagged (or was resumed already).
     */
    async resumeBulk(workspaceId: string, by: string) {
      const credentials = await deps.credentials.get(workspaceId);
      if (!credentials) throw new NotConfiguredError(workspaceId);
      const overridden = await deps.store.override({
        workspaceId,
        businessNumber: credentials.businessNumber,
        by,
        id: (deps.newId ?? randomUUID)(),
      });
      const resumed = overridden ? await deps.bulkJobs.resume(workspaceId, ['number_flagged']) : [];
      return { overridden, resumed, businessNumber: credentials.businessNumber };
    },

    /** Every template state and the number's quality (App Home, `quality show`). */
    async show(workspaceId: string): Promise<AccountHealthView & { credentials: WorkspaceCredentials }> {
      const credentials = await deps.credentials.get(workspaceId);
      if (!credentials) throw new NotConfiguredError(workspaceId);
      return { ...(await deps.store.read(workspaceId, credentials.businessNumber)), credentials };
    },
  };
}

export type AccountHealth = ReturnType<typeof createAccountHealth>;
