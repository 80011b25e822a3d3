import type { webApi } from '@slack/bolt';
import { buildResultCsv } from '../../domain/bulk-result.ts';
import { trimEnd, trimStart } from '../../domain/trim.ts';
import type { Logger } from '../../logger.ts';
import type { BulkJobs } from '../../storage/bulk-jobs.ts';
import type { BulkReports } from '../../storage/bulk-reports.ts';
import type { BulkJob } from '../../storage/bulk-tables.ts';
import type { SlackCaller } from '../delivery/slack-calls.ts';
import { buildBulkProgressMessage, describeBulkCounts } from '../messages/bulk-progress.ts';
import { isSlackUserId, type SlackMessage } from '../messages/mrkdwn.ts';
import { slackErrorCode } from '../slack-error-code.ts';

/** Progress edits of one job are gathered this long: a job of thousands of rows is a few dozen edits. */
export const PROGRESS_EDIT_MS = 2_000;
// Slack's answers when the bot may not post in a conversation: the progress goes to the agent's DM.
const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

export type BulkReporterDeps = {
  jobs: Pick<BulkJobs, 'get' | 'setProgressMessage'>;
  reports: Pick<BulkReports, 'results' | 'counts'>;
  /** A background client (no retries of its own): `slack` waits out 429s per workspace. */
  client: webApi.WebClient;
  slack: SlackCaller;
  logger: Logger;
  editMs?: number | undefined;
};

type JobRef = { jobId: string; workspaceId: string };

/**
 * A bulk job's one message in Slack: posted when the job starts (in its channel, else the agent's DM),
 * edited as rows finish (coalesced, whichever process sent them), and at the end turned into the
 * summary with the result file uploaded to its thread (files.getUploadURLExternal +
 * files.completeUploadExternal, through the client's filesUploadV2).
 */
export function createBulkReporter(deps: BulkReporterDeps) {
  const { logger } = deps;
  const editMs = deps.editMs ?? PROGRESS_EDIT_MS;
  const scheduled = new Map<string, NodeJS.Timeout>();
  const lastEdit = new Map<string, number>();
  const editing = new Map<string, Promise<void>>();

  async function render(ref: JobRef): Promise<{ job: BulkJob; message: SlackMessage } | undefined> {
    const job = await deps.jobs.get(ref.jobId, ref.workspaceId);
    if (!job) return undefined;
    return { job, message: buildBulkProgressMessage({ job, counts: await deps.reports.counts(job.id) }) };
  }

  /**
   * Edits the message to what the job says at the moment of the call, one edit at a time per job: an
   * edit that waited out a 429 must not land after a newer one with what it read before waiting.
   */
  function edit(ref: JobRef): Promise<void> {
    const previous = editing.get(ref.jobId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => editNow(ref));
    editing.set(ref.jobId, next);
    void next
      .finally(() => {
        if (editing.get(ref.jobId) === next) editing.delete(ref.jobId);
      })
      .catch(() => undefined);
    return next;
  }

  async function editNow(ref: JobRef): Promise<void> {
    lastEdit.set(ref.jobId, Date.now());
    await deps.slack.call(ref.workspaceId, async (token) => {
      // Read inside the call, after any wait for Slack: the edit shows the job as it is when sent.
      const rendered = await render(ref);
      const job = rendered?.job;
      if (!rendered || !job?.channelId || !job.progressTs) return;
      await deps.client.chat.update({
        token,
        channel: job.channelId,
        ts: job.progressTs,
        text: rendered.message.text,
        blocks: rendered.message.blocks,
      });
    });
  }

  /** Brings the job's message up to date within about `editMs` (one edit for any number of calls). */
  function refresh(ref: JobRef): void {
    if (scheduled.has(ref.jobId)) return;
    const wait = Math.max(0, (lastEdit.get(ref.jobId) ?? 0) + editMs - Date.now());
    const timer = setTimeout(() => {
      scheduled.delete(ref.jobId);
      edit(ref).catch((error: unknown) =>
        logger.warn(
          { err: error, jobId: ref.jobId, reason: slackErrorCode(error) },
          'could not edit bulk progress',
        ),
      );
    }, wait);
    timer.unref();
    scheduled.set(ref.jobId, timer);
  }

  /** Posts the job's progress message in `channel` and notes it there; false when gone. Throws Slack's error. */
  async function postIn(ref: JobRef, channel: string): Promise<boolean> {
    const rendered = await render(ref);
    if (!rendered) return false;
    const { job, message } = rendered;
    const posted = await deps.slack.call(job.workspaceId, (token) =>
      deps.client.chat.postMessage({
        token,
        channel,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
      }),
    );
    if (!posted?.ts) return false;
    await deps.jobs.setProgressMessage(job.id, posted.channel ?? channel, posted.ts);
    // Rows may have finished while it was being posted.
    refresh(ref);
    return true;
  }

  /**
   * Posts the job's progress message in its channel, else the DM of who started it, and notes where it
   * went; false when it could be posted nowhere (a job from the CLI has neither: see the announcer).
   */
  async function post(ref: JobRef): Promise<boolean> {
    const job = await deps.jobs.get(ref.jobId, ref.workspaceId);
    if (!job) return false;
    const targets = [job.channelId, isSlackUserId(job.createdBy) ? job.createdBy : undefined].filter(
      (t): t is string => typeof t === 'string',
    );
    for (const target of targets) {
      try {
        return await postIn(ref, target);
      } catch (error) {
        const reason = slackErrorCode(error);
        logger.warn({ jobId: job.id, reason }, 'could not post bulk progress here; trying the next place');
        if (!CANNOT_POST.has(reason)) return false;
      }
    }
    return false;
  }

  /** The summary in place of the progress, and the result file in its thread. */
  async function finish(finished: BulkJob): Promise<void> {
    const ref = { jobId: finished.id, workspaceId: finished.workspaceId };
    clearTimeout(scheduled.get(finished.id));
    scheduled.delete(finished.id);
    if (!finished.progressTs && !(await post(ref))) return;
    // The result file matters more than the summary: a message that can no longer be edited still gets it.
    await edit(ref).catch((error: unknown) =>
      logger.warn(
        { err: error, jobId: ref.jobId, reason: slackErrorCode(error) },
        'could not edit the bulk summary',
      ),
    );
    const job = (await deps.jobs.get(finished.id, finished.workspaceId)) ?? finished;
    if (!job.channelId || !job.progressTs) return;
    const csv = buildResultCsv(await deps.reports.results(job));
    const counts = await deps.reports.counts(job.id);
    await deps.slack.call(job.workspaceId, (token) =>
      deps.client.filesUploadV2({
        token,
        channel_id: job.channelId as string,
        thread_ts: job.progressTs as string,
        file: Buffer.from(csv, 'utf8'),
        filename: resultFileName(job),
        title: `Results: ${describeBulkCounts(job.total, counts)}`,
      }),
    );
    lastEdit.delete(job.id);
  }

  return { refresh, post, postIn, finish };
}

export type BulkReporter = ReturnType<typeof createBulkReporter>;

/** `orders-results.csv` for `orders.csv`; a safe name whatever the upload was called. */
export function resultFileName(job: Pick<BulkJob, 'fileName' | 'id'>): string {
  const name = (job.fileName ?? '').replace(/\.csv$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-');
  const base = trimEnd(trimStart(name, '-.'), '-').slice(0, 60);
  return `${base || `bulk-${job.id.slice(0, 8)}`}-results.csv`;
}
