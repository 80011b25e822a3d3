import type { WorkspaceCredentials } from '../domain/workspace-settings.ts';
import { NotConfiguredError } from '../errors/not-configured-error.ts';
import type { CallbackCredentialsInfo } from '../storage/callback-credentials-store.ts';
import type { CredentialStore } from '../storage/credential-store.ts';
import type { IncomingLists, KeptReplies, WaitingReply } from '../storage/incoming-lists.ts';
import type { HistoryPage } from '../storage/order-history-store.ts';
import type { WorkspaceActivity, WorkspaceActivityStore } from '../storage/workspace-activity.ts';
import { within } from '../within.ts';
import type { AccountHealth } from './account-health.ts';
import type { CallbackCredentials } from './callback-credentials.ts';
import type { Consent } from './consent.ts';
import type { OrderHistory } from './order-history.ts';

/** Each person's own newest sends on their App Home. */
export const HOME_RECENT_SENDS = 10;
/** Customers waiting for an answer, newest first, on everyone's App Home. */
export const HOME_WAITING_REPLIES = 10;
/** Messages Slack could not take, newest first, on the admins' App Home (all of them are counted). */
export const HOME_KEPT_REPLIES = 10;
/** The admins' counts cover this window. */
export const HOME_ACTIVITY_WINDOW_SECONDS = 24 * 60 * 60;
/** Sends this old with no status callback since mean the callback setup is probably broken. */
export const CALLBACKS_QUIET_SECONDS = 60 * 60;

/** One part of the home: its value, or why it is missing (an error, or not in time). */
export type HomePart<T> = { ok: true; value: T } | { ok: false; error?: unknown };

export type HomeData = {
  settings: HomePart<WorkspaceCredentials | undefined>;
  recent: HomePart<HistoryPage>;
  /** Customers whose messages no agent has answered yet, in this workspace. */
  waiting: HomePart<WaitingReply[]>;
  /** `no` for everyone but admins; `unknown` when the role could not be checked in time. */
  admin: 'no' | 'unknown' | AdminData;
};

export type AdminData = {
  callbacks: HomePart<CallbackCredentialsInfo | undefined>;
  activity: HomePart<WorkspaceActivity>;
  /** Customers' messages no place in Slack took (no replies channel, or it refused them). */
  kept: HomePart<KeptReplies>;
  /** Meta's word on the template and the number, and how many opted out (undefined: not set up). */
  health: HomePart<AccountHealthSummary | undefined>;
};

export type AccountHealthSummary = Awaited<ReturnType<AccountHealth['show']>> & { optedOut: number };

export type AppHomeDeps = {
  credentials: Pick<CredentialStore, 'get'>;
  orderHistory: Pick<OrderHistory, 'listSentBy'>;
  callbackCredentials: Pick<CallbackCredentials, 'show'>;
  activity: Pick<WorkspaceActivityStore, 'count'>;
  replies: Pick<IncomingLists, 'waiting' | 'kept'>;
  health: Pick<AccountHealth, 'show'>;
  consent: Pick<Consent, 'count'>;
  now?: () => number;
};

export type LoadHomeInput = {
  workspaceId: string;
  userId: string;
  /** Whether this person may see the admin parts, checked by the caller (for Slack: users.info, every time). */
  isAdmin: () => Promise<boolean>;
  /** Whatever is not known after this long is shown as unavailable: the home must be published in time. */
  budgetMs: number;
};

/**
 * What a person's App Home shows, read fresh on every open: the workspace's settings, their own last
 * sends and, for admins, the callback setup, the last day's counts, and consent and quality. Every part is read at once and
 * on its own, so one that fails or is slow leaves the others shown.
 */
export function createAppHome(deps: AppHomeDeps) {
  const now = deps.now ?? Date.now;
  async function loadHealth(workspaceId: string): Promise<AccountHealthSummary | undefined> {
    try {
      const view = await deps.health.show(workspaceId);
      return { ...view, optedOut: await deps.consent.count(workspaceId, view.credentials.businessNumber) };
    } catch (error) {
      if (error instanceof NotConfiguredError) return undefined;
      throw error;
    }
  }
  return {
    async load(input: LoadHomeInput): Promise<HomeData> {
      const deadline = now() + input.budgetMs;
      const part = <T>(work: () => Promise<T>) => settle(work, () => deadline - now());
      const { workspaceId } = input;
      const settings = part(() => deps.credentials.get(workspaceId));
      const recent = part(() => deps.orderHistory.listSentBy(workspaceId, input.userId, HOME_RECENT_SENDS));
      const waiting = part(() => deps.replies.waiting(workspaceId, HOME_WAITING_REPLIES));
      const admin = part(input.isAdmin).then(async (checked): Promise<HomeData['admin']> => {
        if (!checked.ok) return 'unknown';
        if (!checked.value) return 'no';
        const [callbacks, activity, kept, health] = await Promise.all([
          part(() => deps.callbackCredentials.show(workspaceId)),
          part(() => deps.activity.count(workspaceId, HOME_ACTIVITY_WINDOW_SECONDS, CALLBACKS_QUIET_SECONDS)),
          part(() => deps.replies.kept(workspaceId, HOME_KEPT_REPLIES)),
          part(() => loadHealth(workspaceId)),
        ]);
        return { callbacks, activity, kept, health };
      });
      const [settingsPart, recentPart, waitingPart, adminPart] = await Promise.all([
        settings,
        recent,
        waiting,
        admin,
      ]);
      return { settings: settingsPart, recent: recentPart, waiting: waitingPart, admin: adminPart };
    },
  };
}

export type AppHome = ReturnType<typeof createAppHome>;

/** The work's value, or a missing part when it fails or is still running when the time left runs out. */
async function settle<T>(work: () => Promise<T>, timeLeft: () => number): Promise<HomePart<T>> {
  const done = work().then(
    (value): HomePart<T> => ({ ok: true, value }),
    (error: unknown): HomePart<T> => ({ ok: false, error }),
  );
  return (await within(done, Math.max(0, timeLeft()))) ?? { ok: false };
}
