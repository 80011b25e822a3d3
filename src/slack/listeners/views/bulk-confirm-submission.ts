import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { describeError } from '../../../describe/describe-error.ts';
import { describeUnavailable } from '../../../describe/describe-unavailable.ts';
import type { WorkspaceCredentials } from '../../../domain/workspace-settings.ts';
import { NotConfiguredError } from '../../../errors/not-configured-error.ts';
import { StorageError } from '../../../errors/storage-error.ts';
import type { Logger } from '../../../logger.ts';
import type { TaskTracker } from '../../../services/background-tasks.ts';
import type { ConsentGuard } from '../../../services/consent-guard.ts';
import type { BulkJobs } from '../../../storage/bulk-jobs.ts';
import type { BulkReporter } from '../../bulk/bulk-reporter.ts';
import { buildErrorNotice } from '../../messages/notices.ts';
import { SLACK_SURFACE } from '../../messages/slack-surface.ts';
import { readBulkModalMetadata } from '../../views/bulk-views.ts';
import { buildNoticeView } from '../../views/notice-view.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

const TITLE = 'Bulk order updates';
const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });

export type BulkConfirmDeps = {
  bulkJobs: Pick<BulkJobs, 'queue'>;
  credentials: { get(workspaceId: string): Promise<WorkspaceCredentials | undefined> };
  /** A stopped template or a flagged number: the job is not started. */
  guard: Pick<ConsentGuard, 'checkBulkStart'>;
  reporter: Pick<BulkReporter, 'post'>;
  /** The job is queued: this process's worker looks for it now rather than at its next poll. */
  onQueued: () => void;
  tasks: Pick<TaskTracker, 'run'>;
  logger: Logger;
};

/**
 * The confirmation's Send: queues the draft (once: a second submit finds it queued already) and posts
 * the job's progress message. Every process's bulk worker then sends its rows.
 */
export function createBulkConfirmSubmission(deps: BulkConfirmDeps) {
  return async ({ ack, body, view, context }: Args) => {
    const workspaceId = workspaceOf(context);
    const { jobId } = readBulkModalMetadata(view.private_metadata);
    if (!workspaceId || !jobId) return ack();
    let queued: boolean;
    try {
      const credentials = await deps.credentials.get(workspaceId);
      const verdict = credentials
        ? await deps.guard.checkBulkStart(workspaceId, credentials)
        : { ok: false as const, error: new NotConfiguredError(workspaceId) };
      if (!verdict.ok) {
        const notice = buildErrorNotice(describeError(verdict.error, SLACK_SURFACE));
        return ack({ response_action: 'update', view: buildNoticeView(TITLE, notice) });
      }
      queued = await deps.bulkJobs.queue(jobId, workspaceId);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      const notice = buildErrorNotice(describeUnavailable('nothing was started'));
      return ack({ response_action: 'update', view: buildNoticeView(TITLE, notice) });
    }
    if (!queued) {
      const text =
        ':information_source: These updates were already started (or canceled): see the progress message.';
      return ack({
        response_action: 'update',
        view: buildNoticeView(TITLE, { text, blocks: [section(text)] }),
      });
    }
    const text =
      ':outbox_tray: *Sending started.* Progress is posted in the channel as the updates go out, with a Cancel button; the result file follows in its thread.';
    await ack({ response_action: 'update', view: buildNoticeView(TITLE, { text, blocks: [section(text)] }) });
    deps.onQueued();
    deps.logger.info({ workspace: workspaceId, user: body.user.id, jobId }, 'bulk job queued');
    deps.tasks.run(async () => {
      if (!(await deps.reporter.post({ jobId, workspaceId }))) {
        deps.logger.warn({ jobId }, 'the bulk progress message could be posted nowhere; the job runs anyway');
      }
    });
  };
}
