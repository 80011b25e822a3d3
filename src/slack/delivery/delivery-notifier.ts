import type { webApi } from '@slack/bolt';
import pLimit from 'p-limit';
import { isDeliveryFailure } from '../../domain/delivery-state.ts';
import type { Logger } from '../../logger.ts';
import type { TaskTracker } from '../../services/background-tasks.ts';
import type { DeliveryJournal, DeliveryRecord } from '../../storage/delivery-journal.ts';
import { buildCorrectionNotice, buildFailureNotice } from '../messages/delivery-status.ts';
import type { SlackMessage } from '../messages/mrkdwn.ts';
import { slackErrorCode } from '../slack-error-code.ts';
import { failureInputOf, renderOutcome, subjectOf } from './render-outcome.ts';
import type { SlackCaller } from './slack-calls.ts';

/** Edits for one message are gathered this long, so a burst of statuses becomes one edit. */
export const COALESCE_MS = 1_000;
/** After Slack failed (an outage), the message is brought up to date again this much later, a few times. */
export const RETRY_AFTER_MS = 15_000;
const MAX_RETRIES = 4;
// Messages brought up to date at once: background work must not take every database connection
// from the callbacks Kaleyra is waiting on.
const MAX_SYNCS = 4;
// An outcome still being posted after this long never will be (the process went away): treat it as lost.
const POSTING_GIVE_UP_MS = 120_000;
// Slack's answers when a message can no longer be edited.
const GONE = new Set([
  'message_not_found',
  'cant_update_message',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
]);
const SLACK_USER = /^[UW][A-Z0-9]{1,30}$/;

export type DeliveryNotifierDeps = {
  journal: Pick<DeliveryJournal, 'read' | 'markShown' | 'markSlackGone' | 'claimNotice'>;
  client: webApi.WebClient;
  slack: SlackCaller;
  tasks: Pick<TaskTracker, 'run'>;
  logger: Logger;
  coalesceMs?: number;
};

type Pending = { running: boolean; again: boolean };

/**
 * Keeps each outcome message in step with its attempt's delivery state, whichever replica received the
 * callback: it always renders what the journal says now (never the event it was woken by), records the
 * version Slack shows, and takes each notice (failure, correction) with a claim only one replica wins.
 */
export function createDeliveryNotifier(deps: DeliveryNotifierDeps) {
  const { logger } = deps;
  const coalesceMs = deps.coalesceMs ?? COALESCE_MS;
  const pending = new Map<string, Pending>();
  const retries = new Map<string, number>();
  const syncSlot = pLimit(MAX_SYNCS);

  /** Brings the attempt's Slack message (and notices) up to date within about `coalesceMs`. */
  function refresh(attemptId: string): void {
    const entry = pending.get(attemptId);
    if (entry) {
      entry.again = entry.running || entry.again;
      return;
    }
    const created: Pending = { running: false, again: false };
    pending.set(attemptId, created);
    deps.tasks.run(async () => {
      try {
        do {
          created.again = false;
          await new Promise((resolve) => setTimeout(resolve, coalesceMs));
          await syncSlot(async () => {
            created.running = true;
            await syncSafely(attemptId);
            created.running = false;
          });
        } while (created.again);
      } finally {
        pending.delete(attemptId);
      }
    });
  }

  async function syncSafely(attemptId: string) {
    try {
      await sync(attemptId);
      retries.delete(attemptId);
    } catch (error) {
      const tries = (retries.get(attemptId) ?? 0) + 1;
      const again = tries <= MAX_RETRIES;
      logger.warn(
        { err: error, attemptId, reason: slackErrorCode(error), retrying: again },
        'could not bring a delivery state to Slack',
      );
      if (!again) {
        retries.delete(attemptId);
        return;
      }
      retries.set(attemptId, tries);
      // Outside the task tracker: a shutdown does not wait for a retry that may be minutes away.
      setTimeout(() => refresh(attemptId), RETRY_AFTER_MS * tries).unref();
    }
  }

  async function sync(attemptId: string): Promise<void> {
    // A second round when the state moved on while the edit was being made.
    for (let round = 0; round < 3; round++) {
      const record = await deps.journal.read(attemptId);
      if (!record?.delivery_state || postingNow(record)) return;
      const versionNow = await edit(record);
      await notify(record);
      if (versionNow === undefined || versionNow <= record.delivery_version) return;
    }
  }

  /** Edits the message when it is behind; returns the attempt's delivery version after the edit, if made. */
  async function edit(record: DeliveryRecord): Promise<number | undefined> {
    if (!editable(record) || record.slack_version >= record.delivery_version) return undefined;
    const message = renderOutcome(record);
    try {
      const done = await deps.slack.call(record.workspace_id, (token) =>
        deps.client.chat.update({
          token,
          channel: record.slack_channel as string,
          ts: record.slack_ts as string,
          text: message.text,
          blocks: message.blocks,
        }),
      );
      if (!done) return undefined;
    } catch (error) {
      if (!GONE.has(slackErrorCode(error))) throw error;
      logger.info(
        { attemptId: record.id, reason: slackErrorCode(error) },
        'the outcome message can no longer be edited',
      );
      await deps.journal.markSlackGone(record.id);
      record.slack_path = 'gone';
      return undefined;
    }
    return deps.journal.markShown(record.id, record.delivery_version);
  }

  async function notify(record: DeliveryRecord): Promise<void> {
    if (record.source !== 'slack' || !SLACK_USER.test(record.actor)) return;
    const state = record.delivery_state;
    const where = editable(record) ? 'thread' : 'dm';
    let message: SlackMessage | undefined;
    if (isDeliveryFailure(state) && record.notice_state === null) {
      const failure = failureInputOf(record);
      if (failure && (await deps.journal.claimNotice(record.id, null, 'failure'))) {
        message = buildFailureNotice(failure, where);
      }
    } else if ((state === 'delivered' || state === 'read') && record.notice_state === 'failure') {
      if (await deps.journal.claimNotice(record.id, 'failure', 'correction')) {
        const at = state === 'read' ? record.read_at : record.delivered_at;
        message = buildCorrectionNotice(
          state,
          subjectOf(record),
          at ? new Date(at).toISOString() : undefined,
        );
      }
    }
    if (!message) return;
    const posting = message;
    try {
      await deps.slack.call(record.workspace_id, (token) =>
        deps.client.chat.postMessage({
          token,
          channel: where === 'thread' ? (record.slack_channel as string) : record.actor,
          // A reply's own ts does not start a thread: an outcome posted in a thread is answered in that thread.
          ...(where === 'thread' ? { thread_ts: record.slack_thread_ts ?? (record.slack_ts as string) } : {}),
          text: posting.text,
          blocks: posting.blocks,
          unfurl_links: false,
        }),
      );
    } catch (error) {
      // Given back, so the retry (or another replica) can post it: a failure must reach the agent.
      const claimed = record.notice_state === null ? 'failure' : 'correction';
      await deps.journal.claimNotice(record.id, claimed, record.notice_state);
      throw error;
    }
  }

  function editable(record: DeliveryRecord): boolean {
    return (
      (record.slack_path === 'channel' || record.slack_path === 'dm') &&
      record.slack_channel !== null &&
      record.slack_ts !== null
    );
  }

  /** The Slack outcome is still being posted: the poster refreshes once it knows where it went. */
  function postingNow(record: DeliveryRecord): boolean {
    return (
      record.source === 'slack' &&
      record.slack_path === null &&
      Date.now() - new Date(record.created_at).getTime() < POSTING_GIVE_UP_MS
    );
  }

  return { refresh };
}

export type DeliveryNotifier = ReturnType<typeof createDeliveryNotifier>;
