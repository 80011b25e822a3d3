import type { webApi } from '@slack/bolt';
import * as v from 'valibot';
import type { WorkspaceCredentials } from '../../domain/workspace-settings.ts';
import type { Logger } from '../../logger.ts';
import type { SlackCaller } from '../delivery/slack-calls.ts';
import { isSlackUserId } from '../messages/mrkdwn.ts';
import { slackErrorCode } from '../slack-error-code.ts';

/** users.list pages read to find a workspace's admins (each of 200 members, Slack's advice). */
const MEMBER_PAGES = 10;
const MEMBERS_PER_PAGE = 200;
/** Admins told by DM at most: owners first (a large workspace should set a replies channel). */
export const ADMINS_TOLD = 20;

// Slack's answers when a place cannot take the message: the next place is tried.
const ELSEWHERE = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'user_not_found',
  'user_disabled',
  'account_inactive',
  'cannot_dm_bot',
  'messages_tab_disabled',
]);

// users.list's members as Slack documents them (docs.slack.dev/reference/methods/users.list).
const MemberSchema = v.looseObject({
  id: v.string(),
  deleted: v.optional(v.boolean()),
  is_bot: v.optional(v.boolean()),
  is_app_user: v.optional(v.boolean()),
  is_restricted: v.optional(v.boolean()),
  is_ultra_restricted: v.optional(v.boolean()),
  is_admin: v.optional(v.boolean()),
  is_owner: v.optional(v.boolean()),
  is_primary_owner: v.optional(v.boolean()),
});
const ListSchema = v.looseObject({
  members: v.optional(v.array(v.unknown())),
  response_metadata: v.optional(v.looseObject({ next_cursor: v.optional(v.string()) })),
});

export type AnnouncementTargetsDeps = {
  /** A background client (no retries of its own): `slack` waits out 429s per workspace. */
  client: webApi.WebClient;
  slack: Pick<SlackCaller, 'call'>;
  logger: Logger;
};

/** Posts to one place (a channel or a user's DM); throws Slack's error. */
export type PostTo = (workspaceId: string, channel: string) => Promise<void>;

/**
 * Where a workspace's admins hear of template and number changes, whatever set the credentials up:
 * the replies channel when there is one; else the Slack user who last saved the settings; else, when
 * the CLI saved them, every admin and owner of the workspace (users.list: people, not bots, deleted
 * users or guests) by DM. A place that cannot take it (the bot left the channel, the user is gone)
 * passes it to the next.
 */
export function createAnnouncementTargets(deps: AnnouncementTargetsDeps) {
  const { logger } = deps;

  /** The workspace's admins and owners, owners first. */
  async function admins(workspaceId: string): Promise<string[]> {
    const found: Array<{ id: string; rank: number }> = [];
    let cursor: string | undefined;
    for (let page = 0; page < MEMBER_PAGES; page++) {
      const answer = await deps.slack.call(workspaceId, (token) =>
        deps.client.users.list({ token, limit: MEMBERS_PER_PAGE, ...(cursor ? { cursor } : {}) }),
      );
      const list = v.safeParse(ListSchema, answer);
      if (!list.success) break;
      for (const raw of list.output.members ?? []) {
        const member = v.safeParse(MemberSchema, raw);
        if (!member.success) continue;
        const m = member.output;
        // Slackbot is not flagged a bot; app users and guests are not admins to tell.
        if (m.deleted || m.is_bot || m.is_app_user || m.id === 'USLACKBOT') continue;
        if (m.is_restricted || m.is_ultra_restricted) continue;
        const rank = m.is_primary_owner ? 0 : m.is_owner ? 1 : m.is_admin ? 2 : undefined;
        if (rank !== undefined) found.push({ id: m.id, rank });
      }
      cursor = list.output.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    if (found.length > ADMINS_TOLD) {
      logger.info({ workspace: workspaceId, admins: found.length }, 'telling the first admins only');
    }
    return found
      .sort((a, b) => a.rank - b.rank)
      .slice(0, ADMINS_TOLD)
      .map((admin) => admin.id);
  }

  /** Each place in order of preference, as a list of the ids it stands for (read only when reached). */
  function places(workspaceId: string, credentials: WorkspaceCredentials): Array<() => Promise<string[]>> {
    const out: Array<() => Promise<string[]>> = [];
    if (credentials.repliesChannel) out.push(async () => [credentials.repliesChannel as string]);
    if (isSlackUserId(credentials.updatedBy)) out.push(async () => [credentials.updatedBy]);
    out.push(() => admins(workspaceId));
    return out;
  }

  return {
    /**
     * Posts with `post` to the first place that takes it (every admin of the last one; the first of
     * them only with `one`). Returns who got it (none: there is nobody to tell); throws when Slack
     * failed before anyone got it, so the caller tries again later and nobody is told twice.
     */
    async tell(
      workspaceId: string,
      credentials: WorkspaceCredentials,
      post: PostTo,
      options: { one?: boolean } = {},
    ): Promise<string[]> {
      for (const place of places(workspaceId, credentials)) {
        const told: string[] = [];
        for (const id of await place()) {
          try {
            await post(workspaceId, id);
            told.push(id);
            if (options.one) return told;
          } catch (error) {
            const reason = slackErrorCode(error);
            // Slack may take it later: try again then, unless someone here already has it.
            if (!ELSEWHERE.has(reason) && told.length === 0) throw error;
            logger.warn({ workspace: workspaceId, reason }, 'could not tell an admin here');
          }
        }
        if (told.length > 0) return told;
      }
      return [];
    },
  };
}

export type AnnouncementTargets = ReturnType<typeof createAnnouncementTargets>;
