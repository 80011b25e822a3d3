import type { SlackApiCall } from './fake-slack.ts';

/**
 * A workspace's members as Slack's `users.list` answers them (docs.slack.dev/reference/methods/users.list:
 * its example's member object, with the fields the roles and kinds of people need), paged by `limit`
 * and `cursor` as Slack pages them, for `fakeSlack.setResponse('users.list', membersResponder(…))`.
 */
export type Member = {
  id: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_bot?: boolean;
  is_app_user?: boolean;
  deleted?: boolean;
};

function memberObject(member: Member, teamId: string): Record<string, unknown> {
  return {
    id: member.id,
    team_id: teamId,
    name: member.id.toLowerCase(),
    deleted: member.deleted ?? false,
    color: '9f69e7',
    real_name: member.id,
    tz: 'Asia/Kolkata',
    tz_label: 'India Standard Time',
    tz_offset: 19800,
    profile: { real_name: member.id, display_name: member.id.toLowerCase(), team: teamId },
    is_admin: member.is_admin ?? false,
    is_owner: member.is_owner ?? false,
    is_primary_owner: member.is_primary_owner ?? false,
    is_restricted: member.is_restricted ?? false,
    is_ultra_restricted: member.is_ultra_restricted ?? false,
    is_bot: member.is_bot ?? false,
    updated: 1502138686,
    is_app_user: member.is_app_user ?? false,
    has_2fa: false,
  };
}

/**
 * Answers users.list with `members` (Slackbot first, as Slack lists it), at most `pageSize` a page
 * (fewer than the `limit` asked, as Slack may answer), the next page's cursor in `response_metadata`.
 */
export function membersResponder(
  members: readonly Member[],
  options: { teamId?: string; pageSize?: number } = {},
) {
  const all = [{ id: 'USLACKBOT' }, ...members];
  const teamId = options.teamId ?? 'T1';
  return (call: SlackApiCall) => {
    const limit = Math.min(Number(call.body.limit ?? 0) || 1000, options.pageSize ?? 1000);
    const start = call.body.cursor ? Number(Buffer.from(String(call.body.cursor), 'base64').toString()) : 0;
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? Buffer.from(String(start + limit)).toString('base64') : '';
    return {
      ok: true,
      members: page.map((member) => memberObject(member, teamId)),
      cache_ts: 1498777272,
      response_metadata: { next_cursor: next },
    };
  };
}
