import {
  type NumberQualityEvent,
  QUALITY_FLAGGING_EVENTS,
  QUALITY_LIFTING_EVENTS,
  TEMPLATE_BLOCKING_EVENTS,
  TEMPLATE_LIFTING_EVENTS,
  type TemplateStatusEvent,
} from '../domain/incoming-message.ts';
import type { WorkspaceCredentials } from '../domain/workspace-settings.ts';
import type { AccountHealthStore } from '../storage/account-health-store.ts';

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
  store: Pick<AccountHealthStore, 'applyTemplate' | 'applyQuality'>;
  credentials: { get(workspaceId: string): Promise<WorkspaceCredentials | undefined> };
};

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
  };
}

export type AccountHealth = ReturnType<typeof createAccountHealth>;
