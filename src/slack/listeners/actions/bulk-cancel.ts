import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { describeUnavailable } from '../../../describe/describe-unavailable.ts';
import { StorageError } from '../../../errors/storage-error.ts';
import type { Logger } from '../../../logger.ts';
import type { BulkJobs } from '../../../storage/bulk-jobs.ts';
import type { BulkReporter } from '../../bulk/bulk-reporter.ts';
import { buildErrorNotice } from '../../messages/notices.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

export type BulkCancelDeps = {
  bulkJobs: Pick<BulkJobs, 'cancel' | 'get'>;
  reporter: Pick<BulkReporter, 'refresh'>;
  logger: Logger;
};

/**
 * Cancel on a bulk job's progress message: stops what has not been sent yet and says who stopped it.
 * Only the job's own workspace can (in a shared channel, another workspace's member is told so); rows
 * being sent at that moment finish.
 */
export function createBulkCancelAction(deps: BulkCancelDeps) {
  return async ({ ack, action, body, respond, context }: Args) => {
    await ack();
    const workspaceId = workspaceOf(context);
    const jobId = action.value;
    if (!workspaceId || !jobId) return;
    const tell = (text: string) =>
      respond({ response_type: 'ephemeral', replace_original: false, text }).catch((error: unknown) =>
        deps.logger.warn({ err: error }, 'could not answer a bulk cancel'),
      );
    try {
      const job = await deps.bulkJobs.get(jobId, workspaceId);
      if (!job) {
        await tell('Only the workspace that started these updates can cancel them.');
        return;
      }
      const canceled = await deps.bulkJobs.cancel(jobId, workspaceId, body.user.id);
      if (!canceled) {
        await tell('These updates were already finished or canceled.');
        return;
      }
      deps.logger.info({ workspace: workspaceId, user: body.user.id, jobId }, 'bulk job canceled');
      deps.reporter.refresh({ jobId, workspaceId });
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      await tell(buildErrorNotice(describeUnavailable('the updates were not canceled')).text);
    }
  };
}
