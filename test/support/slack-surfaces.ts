import { randomBytes } from 'node:crypto';
import { SEND_FROM_MESSAGE_SHORTCUT, TEMPLATE_PICK } from '../../src/slack/ids.ts';
import type { AppTarget } from './app-driver.ts';
import type { CannedKaleyraResponse, FakeKaleyra, RecordedKaleyraRequest } from './fake-kaleyra.ts';
import { acceptedWithFreshId } from './fake-kaleyra.ts';
import { interactionBody, postToApp } from './slack-request.ts';
import { SIGNING_SECRET } from './start-app.ts';

/**
 * Requests for the App Home, the template picker and the message shortcut, exactly as Slack sends
 * them (signed; events as JSON, interactions as `payload=`), and a Kaleyra that serves a template list.
 */

const API_APP_ID = 'A0ORDERSTATUS';
const TOKEN = 'fake-verification-token';

function triggerId(): string {
  return `${Date.now()}.1.${randomBytes(6).toString('hex')}`;
}

function teamOf(app: AppTarget, teamId?: string): string {
  const team = teamId ?? app.team;
  if (!team) throw new Error('no team');
  return team;
}

/** `app_home_opened` for `userId` (the Home tab unless `tab` says otherwise). */
export function openAppHome(
  app: AppTarget,
  userId: string,
  options: { tab?: 'home' | 'messages'; teamId?: string } = {},
) {
  const team = teamOf(app, options.teamId);
  const body = JSON.stringify({
    token: TOKEN,
    team_id: team,
    api_app_id: API_APP_ID,
    type: 'event_callback',
    event_id: `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      { enterprise_id: null, team_id: team, user_id: 'UBOT', is_bot: true, is_enterprise_install: false },
    ],
    event: {
      type: 'app_home_opened',
      user: userId,
      channel: `D${userId}`,
      tab: options.tab ?? 'home',
      event_ts: `${Math.floor(Date.now() / 1000)}.000100`,
    },
  });
  return postToApp(app.url, body, { signingSecret: SIGNING_SECRET, contentType: 'application/json' });
}

/** A button click on the App Home (a `block_actions` from the home view), as Slack sends it. */
export function clickHomeButton(
  app: AppTarget,
  options: { userId: string; actionId: string; value?: string; teamId?: string },
) {
  const team = teamOf(app, options.teamId);
  return postToApp(
    app.url,
    interactionBody({
      type: 'block_actions',
      user: { id: options.userId, username: options.userId.toLowerCase(), team_id: team },
      api_app_id: API_APP_ID,
      token: TOKEN,
      container: { type: 'view', view_id: 'VHOME1' },
      trigger_id: triggerId(),
      team: { id: team, domain: 'team' },
      enterprise: null,
      is_enterprise_install: false,
      view: { id: 'VHOME1', type: 'home', team_id: team, state: { values: {} }, hash: 'h' },
      actions: [
        {
          type: 'button',
          action_id: options.actionId,
          block_id: 'b1',
          text: { type: 'plain_text', text: 'Button' },
          ...(options.value !== undefined ? { value: options.value } : {}),
          action_ts: `${Math.floor(Date.now() / 1000)}.000000`,
        },
      ],
    }),
    { signingSecret: SIGNING_SECRET },
  );
}

/** Slack asking for the template picker's options while the agent types `query`. */
export function suggestTemplates(
  app: AppTarget,
  query: string,
  options: { userId?: string; teamId?: string } = {},
) {
  const team = teamOf(app, options.teamId);
  const userId = options.userId ?? 'UAGENT';
  return postToApp(
    app.url,
    interactionBody({
      type: 'block_suggestion',
      user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: team },
      container: { type: 'view', view_id: 'V1' },
      api_app_id: API_APP_ID,
      token: TOKEN,
      action_id: TEMPLATE_PICK.actionId,
      block_id: TEMPLATE_PICK.blockId,
      value: query,
      team: { id: team, domain: 'team' },
      enterprise: null,
      is_enterprise_install: false,
      view: {
        id: 'V1',
        type: 'modal',
        team_id: team,
        callback_id: 'orderstatus_send',
        state: { values: {} },
      },
    }),
    { signingSecret: SIGNING_SECRET },
  );
}

export type ShortcutMessage = { text?: string; ts?: string; thread_ts?: string; [key: string]: unknown };

/** "Send order status" on `message` in `channelId`, with a response_url of its own on the fake Slack. */
export function useMessageShortcut(
  app: AppTarget,
  message: ShortcutMessage,
  options: { userId?: string; channelId?: string; teamId?: string } = {},
) {
  const team = teamOf(app, options.teamId);
  const userId = options.userId ?? 'UAGENT';
  const channelId = options.channelId ?? 'CORDERS';
  const ts = message.ts ?? '1700000100.000200';
  const responseUrl = app.slack.responseUrl(`shortcut-${randomBytes(6).toString('hex')}`);
  const body = interactionBody({
    type: 'message_action',
    callback_id: SEND_FROM_MESSAGE_SHORTCUT,
    trigger_id: triggerId(),
    message_ts: ts,
    response_url: responseUrl,
    message: { type: 'message', user: 'UCUSTOMERDESK', ...message, ts },
    user: { id: userId, name: userId.toLowerCase(), team_id: team },
    channel: { id: channelId, name: 'orders' },
    team: { id: team, domain: 'team' },
    token: TOKEN,
    action_ts: `${Math.floor(Date.now() / 1000)}.000000`,
    is_enterprise_install: false,
    enterprise: null,
  });
  return {
    responseUrl,
    path: new URL(responseUrl).pathname,
    post: () => postToApp(app.url, body, { signingSecret: SIGNING_SECRET }),
  };
}

/** A template as Kaleyra's "Get Templates" lists it (Meta's template object). */
export function metaTemplate(name: string, language: string, status = 'APPROVED', category = 'UTILITY') {
  return { name, language, status, category, components: [{ type: 'BODY', text: 'Order update' }] };
}

/**
 * Kaleyra answering the template list with `list` (or a canned failure) and every send with 202;
 * returns the template requests as they come.
 */
export function serveTemplates(
  kaleyra: FakeKaleyra,
  list: unknown[] | CannedKaleyraResponse,
): () => RecordedKaleyraRequest[] {
  kaleyra.respondWith((request) => {
    if (!isTemplatesRequest(request)) return acceptedWithFreshId();
    if (Array.isArray(list)) return { status: 200, body: JSON.stringify({ code: 'WA200', data: list }) };
    return list;
  });
  return () => kaleyra.requests.filter(isTemplatesRequest);
}

export function isTemplatesRequest(request: RecordedKaleyraRequest): boolean {
  return request.method === 'GET' && request.path.endsWith('/message_templates');
}

/** The view a Web API call carried (views.open, views.update, views.publish), as JSON. */
export function viewOf(call: { body: Record<string, unknown> } | undefined): Record<string, unknown> {
  const view = call?.body.view;
  if (typeof view !== 'object' || view === null) throw new Error('no view in this call');
  return view as Record<string, unknown>;
}

/** The block with `blockId` in a view. */
export function blockOf(view: Record<string, unknown>, blockId: string): Record<string, unknown> | undefined {
  const blocks = view.blocks as Array<Record<string, unknown>> | undefined;
  return blocks?.find((block) => block.block_id === blockId);
}
