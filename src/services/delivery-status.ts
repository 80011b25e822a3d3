import { type DeliveryReport, readDeliveryStatus } from '../domain/delivery-state.ts';
import type { DeliveryJournal } from '../storage/delivery-journal.ts';
import { type AccountHealth, templateEventOfFailure } from './account-health.ts';

// Longer ids or words are not Kaleyra's; cut so a hostile value cannot bloat a row.
const ID_MAX = 255;
const WORD_MAX = 40;
const ERROR_TEXT_MAX = 500;
const IDS_MAX = 6;
// Control characters (terminal escapes included) have no place in an id, a status or Meta's words.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/** Text from a callback as it may be stored and shown: no control characters, at most `max` long. */
function clean(text: string, max: number): string {
  return text.replace(CONTROL, ' ').trim().slice(0, max);
}

export type RecordedReports = {
  /** Reports that matched an attempt of the workspace. */
  matched: number;
  /** Reports whose message no attempt of the workspace has (another tool on the same number). */
  unknown: number;
  /** Attempts whose delivery state or times changed: what the Slack side should show again. */
  changed: string[];
};

export type DeliveryStatusDeps = {
  journal: Pick<DeliveryJournal, 'apply'>;
  /** A failure with 132015/132016 marks the attempt's template paused or disabled for the next sends. */
  templateFailures?: Pick<AccountHealth, 'learnFromFailure'>;
};

/** Status callbacks into the journal: each report applied once, to the workspace's own attempts only. */
export function createDeliveryStatusService(deps: DeliveryStatusDeps) {
  return {
    async record(workspaceId: string, reports: readonly DeliveryReport[]): Promise<RecordedReports> {
      const result: RecordedReports = { matched: 0, unknown: 0, changed: [] };
      for (const report of reports) {
        const errorCode = report.error?.code === undefined ? undefined : clean(report.error.code, WORD_MAX);
        const applied = await deps.journal.apply({
          workspaceId,
          messageIds: [...new Set(report.messageIds.map((id) => id.slice(0, ID_MAX)))].slice(0, IDS_MAX),
          attemptId: report.ref2?.slice(0, ID_MAX),
          wamid: report.wamid?.slice(0, ID_MAX),
          status: clean(report.status, WORD_MAX),
          state: readDeliveryStatus(report.status),
          at: report.at,
          errorCode,
          errorText:
            report.error?.title === undefined ? undefined : clean(report.error.title, ERROR_TEXT_MAX),
        });
        if (applied.attemptId === undefined) {
          result.unknown += 1;
          continue;
        }
        result.matched += 1;
        // Learnt on every copy of the callback (idempotent), so one whose first try failed is not lost.
        if (errorCode !== undefined && templateEventOfFailure(errorCode) !== undefined) {
          // At the failure's time: a late report must not undo a lift Meta sent since.
          await deps.templateFailures?.learnFromFailure(workspaceId, {
            code: errorCode,
            attemptId: applied.attemptId,
            at: report.at,
          });
        }
        if (applied.version !== undefined && !result.changed.includes(applied.attemptId)) {
          result.changed.push(applied.attemptId);
        }
      }
      return result;
    },
  };
}

export type DeliveryStatusService = ReturnType<typeof createDeliveryStatusService>;
