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
import type { BulkPauses } from '../storage/bulk-pauses.ts';

/** A template (in one language) or the business number whose state changed what may be sent. */
export type AccountChange =
  | {
      kind: 'template';
      templateName: string;
      /** '' when Meta's event named no language (it stands for every language). */
      language: string;
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
  /** Bulk jobs a lift (or an admin's override) frees go on. */
  bulkPauses: Pick<BulkPauses, 'resume'>;
  newId?: () => string;
  now?: () => Date;
};

/**
 * An event stamped further ahead of its receipt than this is taken as received now: a clock that
 * runs ahead must not make one event outrank every later one.
 */
export const EVENT_CLOCK_SKEW_MS = 5 * 60_000;

/** When an event counts as having happened: Meta's time, unless missing or implausibly ahead. */
export function eventTime(at: Date | undefined, receivedAt: Date): Date {
  return at && at.getTime() <= receivedAt.getTime() + EVENT_CLOCK_SKEW_MS ? at : receivedAt;
}

/** Meta writes `en_US`; some envelopes `en-US`: one spelling, the one sends use. */
export function templateLanguage(code: string | undefined): string {
  return (code ?? '').trim().replace(/-/g, '_');
}

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
 * credentials they came with, in Meta's order: per template and language (or number), an event older
 * than the newest one applied is recorded and changes nothing. Returns what changed (a repeated event
 * changes nothing), so it is announced once; a lift resumes the bulk jobs it frees.
 */
export function createAccountHealth(deps: AccountHealthDeps) {
  const newId = deps.newId ?? randomUUID;
  const now = deps.now ?? (() => new Date());
  return {
    async record(
      workspaceId: string,
      events: {
        templateEvents: readonly TemplateStatusEvent[];
        qualityEvents: readonly NumberQualityEvent[];
      },
    ): Promise<AccountChange[]> {
      const changes: AccountChange[] = [];
      const receivedAt = now();
      let lifting = false;
      for (const event of events.templateEvents) {
        const blocked = templateBlocking(event.event);
        lifting ||= blocked === false;
        const applied = await deps.store.applyTemplate({
          workspaceId,
          templateName: event.templateName,
          languageCode: templateLanguage(event.language),
          event: event.event,
          blocked,
          reason: event.reason,
          source: 'event',
          at: eventTime(event.at, receivedAt),
          id: newId(),
        });
        if (blocked === undefined) continue;
        for (const one of applied.filter((a) => a.changed)) {
          changes.push({
            kind: 'template',
            templateName: one.templateName,
            language: one.languageCode,
            event: event.event,
            blocked,
            reason: event.reason,
            since: one.since,
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
        lifting ||= flagged === false;
        const applied = await deps.store.applyQuality({
          workspaceId,
          businessNumber,
          event: event.event,
          flagged,
          currentLimit: event.currentLimit,
          at: eventTime(event.at, receivedAt),
          id: newId(),
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
      // Also on a repeat of a lift: the first copy's resume may have failed after its state was written.
      if (lifting) await deps.bulkPauses.resume(workspaceId);
      return changes;
    },

    /**
     * A send failed with 132015/132016 (Kaleyra's answer, or a status callback): the template is marked
     * paused or disabled as if Meta's event had come (at the failure's time), so the next send is
     * refused before Kaleyra. The template and language are named, or are the ones the attempt was sent
     * with. True when that changed its state.
     */
    async learnFromFailure(
      workspaceId: string,
      failure: {
        code: string;
        templateName?: string | undefined;
        languageCode?: string | undefined;
        attemptId?: string | undefined;
        at?: Date | undefined;
      },
    ): Promise<boolean> {
      const event = templateEventOfFailure(failure.code);
      if (event === undefined) return false;
      const applied = await deps.store.applyTemplate({
        workspaceId,
        templateName: failure.templateName,
        languageCode: failure.languageCode,
        attemptId: failure.attemptId,
        event,
        blocked: true,
        reason: `WhatsApp failed a send with ${failure.code}`,
        source: 'send',
        at: eventTime(failure.at, now()),
        id: newId(),
      });
      return applied.some((a) => a.changed);
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
        id: newId(),
      });
      const resumed = overridden ? await deps.bulkPauses.resume(workspaceId) : [];
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
