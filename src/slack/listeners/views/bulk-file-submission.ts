import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { describeError } from '../../../describe/describe-error.ts';
import { BULK_LIMITS, readBulkCsv, readDefaultDescription } from '../../../domain/bulk-csv.ts';
import { NotConfiguredError } from '../../../errors/not-configured-error.ts';
import { StorageError } from '../../../errors/storage-error.ts';
import type { Logger } from '../../../logger.ts';
import type { TaskTracker } from '../../../services/background-tasks.ts';
import type { BulkJobs } from '../../../storage/bulk-jobs.ts';
import type { CredentialStore } from '../../../storage/credential-store.ts';
import { downloadSlackFile } from '../../bulk/download-file.ts';
import { BULK_FIELDS, readBulkModalValues } from '../../ids.ts';
import { truncate } from '../../messages/mrkdwn.ts';
import { buildErrorNotice } from '../../messages/notices.ts';
import { SLACK_SURFACE } from '../../messages/slack-surface.ts';
import { slackErrorCode } from '../../slack-error-code.ts';
import {
  buildBulkCheckingView,
  buildBulkConfirmView,
  buildBulkProblemsView,
  readBulkModalMetadata,
} from '../../views/bulk-views.ts';
import { FIELD_ERROR_MAX } from '../../views/inputs.ts';
import { buildNoticeView } from '../../views/notice-view.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

export type BulkFileDeps = {
  bulkJobs: Pick<BulkJobs, 'createDraft'>;
  credentials: Pick<CredentialStore, 'get'>;
  tasks: Pick<TaskTracker, 'run'>;
  logger: Logger;
  /** Origins the bot token may be sent to for a file download (Slack's file host, the configured API host). */
  trustedFileOrigins: readonly string[];
};

type Check = {
  workspaceId: string;
  userId: string;
  channelId: string | undefined;
  file: { id: string; name: string };
  defaultDescription: string | undefined;
  token: string;
};

/**
 * The bulk modal's submit. Slack wants an answer within 3 s and the file must first be fetched: the
 * modal turns into "checking…" at once, then (views.update) into the list of bad rows, or the
 * confirmation whose Send button starts the job. Nothing is sent from here.
 */
export function createBulkFileSubmission(deps: BulkFileDeps) {
  return async ({ ack, body, view, client, context }: Args) => {
    const values = readBulkModalValues(view);
    if (!values.file) {
      return ack({
        response_action: 'errors',
        errors: { [BULK_FIELDS.file.blockId]: 'Choose the CSV file to send from.' },
      });
    }
    const description = readDefaultDescription(values.description);
    if (!description.ok) {
      return ack({
        response_action: 'errors',
        errors: { [BULK_FIELDS.description.blockId]: truncate(description.issue, FIELD_ERROR_MAX) },
      });
    }
    const workspaceId = workspaceOf(context);
    const token = context.botToken;
    if (!workspaceId || !token) return ack();
    await ack({ response_action: 'update', view: buildBulkCheckingView(values.file.name) });
    const check: Check = {
      workspaceId,
      userId: body.user.id,
      channelId: readBulkModalMetadata(view.private_metadata).channelId,
      file: values.file,
      defaultDescription: description.value,
      token,
    };
    deps.tasks.run(async () => {
      const next = await checkFile(deps, client, check);
      try {
        await client.views.update({ view_id: view.id, view: next });
      } catch (error) {
        deps.logger.warn({ reason: slackErrorCode(error) }, 'could not show the checked bulk file');
      }
    });
  };
}

async function checkFile(deps: BulkFileDeps, client: Args['client'], check: Check): Promise<ModalView> {
  const notice = (error: unknown) =>
    buildNoticeView('Bulk order updates', buildErrorNotice(describeError(error, SLACK_SURFACE)));
  try {
    if (!(await deps.credentials.get(check.workspaceId))) {
      return notice(new NotConfiguredError(check.workspaceId));
    }
    const downloaded = await downloadSlackFile(client, check.file.id, {
      token: check.token,
      maxBytes: BULK_LIMITS.bytes,
      trustedOrigins: deps.trustedFileOrigins,
    });
    if (!downloaded.ok) {
      return buildBulkProblemsView({
        fileName: check.file.name,
        fileProblem: downloaded.problem,
        issues: [],
      });
    }
    const plan = readBulkCsv(downloaded.text, { defaultDescription: check.defaultDescription });
    if (!plan.ok) return buildBulkProblemsView({ fileName: check.file.name, ...plan });
    const jobId = await deps.bulkJobs.createDraft({
      workspaceId: check.workspaceId,
      createdBy: check.userId,
      channelId: check.channelId,
      fileName: check.file.name,
      rows: plan.rows,
    });
    deps.logger.info(
      { workspace: check.workspaceId, user: check.userId, jobId, rows: plan.rows.length },
      'bulk file checked',
    );
    return buildBulkConfirmView({
      jobId,
      fileName: check.file.name,
      total: plan.rows.length,
      customers: plan.customers,
      byStatus: plan.byStatus,
      channelId: check.channelId,
    });
  } catch (error) {
    // The modal must not stay on "checking…": whatever went wrong is said there.
    if (!(error instanceof StorageError)) deps.logger.error({ err: error }, 'could not check a bulk file');
    return notice(error);
  }
}
