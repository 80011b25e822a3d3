import type { webApi } from '@slack/bolt';
import type { WorkspaceCredentials } from '../../domain/workspace-settings.ts';
import type { Logger } from '../../logger.ts';
import type { ResumedJobs, ResumedToTell } from '../../services/resumed-jobs.ts';
import type { AccountAnnouncementsStore } from '../../storage/account-announcements-store.ts';
import type { BulkReporter } from '../bulk/bulk-reporter.ts';
import type { SlackCaller } from '../delivery/slack-calls.ts';
import { buildAccountAnnouncement } from '../messages/account-announcement.ts';
import { buildBulkResumedMessage } from '../messages/bulk-progress.ts';
import { isSlackUserId, type SlackMessage } from '../messages/mrkdwn.ts';
import { slackErrorCode } from '../slack-error-code.ts';
import { createAnnouncementTargets } from './announcement-targets.ts';

/** Every replica looks for changes not announced yet this often (a crash before the post, a send's 132015). */
export const ANNOUNCE_SWEEP_MS = 30_000;
const CLAIM_BATCH = 20;

export type AccountAnnouncerDeps = {
  store: Pick<AccountAnnouncementsStore, 'claim' | 'release'>;
  /** Bulk jobs that resumed (any process resumed them) or the CLI kept paused: their message to show. */
  resumed: Pick<ResumedJobs, 'claim' | 'release'>;
  bulk: Pick<BulkReporter, 'refresh' | 'post' | 'postIn'>;
  credentials: { get(workspaceId: string): Promise<WorkspaceCredentials | undefined> };
  /** A background client (no retries of its own): `slack` waits out 429s per workspace. */
  client: webApi.WebClient;
  slack: Pick<SlackCaller, 'call'>;
  logger: Logger;
  sweepMs?: number | undefined;
};

/**
 * Tells each workspace's admins, once, that Meta stopped or lifted a template or flagged or unflagged
 * the number (where: announcement-targets.ts): claims the changes not announced yet (one statement, so
 * two replicas never both post) and posts one message per change, not one per agent. Bulk jobs that
 * resumed are told too: their progress message is brought up to date (a job from the CLI gets one where
 * the admins hear), and when the default template freed them the admins are told. Runs when an event
 * arrives, when a worker leases a resumed job's rows, and on a sweep.
 */
export function createAccountAnnouncer(deps: AccountAnnouncerDeps) {
  const { logger } = deps;
  const targets = createAnnouncementTargets(deps);
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  async function announceAll(): Promise<void> {
    for (let claimed = await deps.store.claim(CLAIM_BATCH); claimed.length > 0; ) {
      for (const change of claimed) await announce(change);
      claimed = claimed.length >= CLAIM_BATCH ? await deps.store.claim(CLAIM_BATCH) : [];
    }
    for (let resumed = await deps.resumed.claim(CLAIM_BATCH); resumed.length > 0; ) {
      for (const one of resumed) await tellJob(one);
      resumed = resumed.length >= CLAIM_BATCH ? await deps.resumed.claim(CLAIM_BATCH) : [];
    }
  }

  /** Posts `message` in one place (a channel, or a user's DM). */
  const postMessage =
    (message: SlackMessage) =>
    async (workspaceId: string, channel: string): Promise<void> => {
      await deps.slack.call(workspaceId, (token) =>
        deps.client.chat.postMessage({ token, channel, text: message.text, blocks: message.blocks }),
      );
    };

  async function announce(change: Awaited<ReturnType<AccountAnnouncerDeps['store']['claim']>>[number]) {
    const where = { workspace: change.workspaceId, kind: change.kind, event: change.event };
    try {
      const credentials = await deps.credentials.get(change.workspaceId);
      const told = credentials
        ? await targets.tell(change.workspaceId, credentials, postMessage(buildAccountAnnouncement(change)))
        : [];
      if (told.length === 0) {
        logger.info(where, 'no admin to tell of an account change (App Home and `quality show` show it)');
        return;
      }
      logger.info({ ...where, told: told.length }, 'account change announced');
    } catch (error) {
      logger.warn({ ...where, err: error, reason: slackErrorCode(error) }, 'could not announce; next sweep');
      await deps.store.release(change).catch(() => undefined);
    }
  }

  /** A job that resumed, or that the CLI kept paused: its message, and the admins when it is news to them. */
  async function tellJob({ job, counts, tellAdmins }: ResumedToTell): Promise<void> {
    const ref = { jobId: job.id, workspaceId: job.workspaceId };
    const where = { workspace: job.workspaceId, jobId: job.id, why: job.resumed?.why };
    try {
      const credentials = await deps.credentials.get(job.workspaceId);
      let home: string | undefined;
      if (job.progressTs) deps.bulk.refresh(ref);
      else if (job.channelId || isSlackUserId(job.createdBy)) await deps.bulk.post(ref);
      else if (credentials) {
        // A job from the CLI has no place of its own in Slack: its message goes where the admins hear.
        [home] = await targets.tell(
          job.workspaceId,
          credentials,
          async (_workspace, channel) => {
            if (!(await deps.bulk.postIn(ref, channel))) throw new Error('the job is gone');
          },
          { one: true },
        );
      }
      const message = tellAdmins ? buildBulkResumedMessage({ job, counts }) : undefined;
      if (message && credentials) {
        const post = postMessage(message);
        await targets.tell(job.workspaceId, credentials, async (workspace, channel) => {
          // Its own progress message there already says why it resumed.
          if (channel !== home) await post(workspace, channel);
        });
      }
      logger.info(where, 'bulk job told in Slack');
    } catch (error) {
      logger.warn({ ...where, err: error, reason: slackErrorCode(error) }, 'could not tell of a bulk job');
      await deps.resumed.release(job.id).catch(() => undefined);
    }
  }

  function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await announceAll().catch((error: unknown) =>
          logger.warn({ err: error }, 'could not look for account changes to announce'),
        );
      } while (again);
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    /** Announces what is not announced yet (an event just arrived here); resolves when done. */
    run,
    start(): void {
      if (timer) return;
      timer = setInterval(() => void run(), deps.sweepMs ?? ANNOUNCE_SWEEP_MS);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export type AccountAnnouncer = ReturnType<typeof createAccountAnnouncer>;
