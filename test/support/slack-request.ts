import { createHmac } from 'node:crypto';
import { messageIssues, responseActionIssues } from './block-kit-surfaces.ts';

/** Requests into the app exactly as Slack sends them: form-encoded, signed with the signing secret. */

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
const API_APP_ID = 'A0ORDERSTATUS';
const VERIFICATION_TOKEN = 'fake-verification-token';

export type SlackRequestHeaders = {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
  'content-type': string;
};

/** Slack's v0 signature: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed by the signing secret. */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestamp: number | string = Math.floor(Date.now() / 1000),
  contentType: string = FORM_CONTENT_TYPE,
): SlackRequestHeaders {
  const ts = String(timestamp);
  const digest = createHmac('sha256', signingSecret).update(`v0:${ts}:${body}`).digest('hex');
  return {
    'x-slack-signature': `v0=${digest}`,
    'x-slack-request-timestamp': ts,
    'content-type': contentType,
  };
}

export type SlashCommandOptions = {
  text: string;
  teamId: string;
  userId: string;
  channelId: string;
  triggerId?: string;
  responseUrl: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
  command?: string;
};

/** The form body of a slash command, fields in the order Slack sends them. */
export function slashCommandBody(options: SlashCommandOptions): string {
  const fields: [string, string][] = [
    ['token', VERIFICATION_TOKEN],
    ['team_id', options.teamId],
    ['team_domain', `team-${options.teamId.toLowerCase()}`],
  ];
  if (options.enterpriseId !== undefined) {
    fields.push(['enterprise_id', options.enterpriseId], ['enterprise_name', 'Fake Grid']);
  }
  fields.push(
    ['channel_id', options.channelId],
    ['channel_name', 'orders'],
    ['user_id', options.userId],
    ['user_name', options.userId.toLowerCase()],
    ['command', options.command ?? '/orderstatus'],
    ['text', options.text],
    ['api_app_id', API_APP_ID],
    ['is_enterprise_install', String(options.isEnterpriseInstall ?? false)],
    ['response_url', options.responseUrl],
    ['trigger_id', options.triggerId ?? newTriggerId()],
  );
  return new URLSearchParams(fields).toString();
}

/** Any interaction payload, encoded as Slack does (`payload=<json>`); also for deliberately malformed ones. */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export type ViewSubmissionOptions = {
  teamId: string;
  userId: string;
  view: {
    callback_id: string;
    private_metadata?: string;
    state: { values: Record<string, Record<string, unknown>> };
    id?: string;
  };
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
  triggerId?: string;
};

/** A `view_submission` for the given view state, shaped like Slack's payload. */
export function viewSubmissionBody(options: ViewSubmissionOptions): string {
  const { teamId, userId, view } = options;
  const enterprise = options.enterpriseId ? { id: options.enterpriseId, name: 'Fake Grid' } : null;
  return interactionBody({
    type: 'view_submission',
    team: {
      id: teamId,
      domain: `team-${teamId.toLowerCase()}`,
      ...(enterprise ? { enterprise_id: enterprise.id } : {}),
    },
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: teamId },
    api_app_id: API_APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: options.triggerId ?? newTriggerId(),
    view: {
      id: view.id ?? 'V1',
      team_id: teamId,
      type: 'modal',
      blocks: [],
      private_metadata: view.private_metadata ?? '',
      callback_id: view.callback_id,
      state: view.state,
      hash: 'fake-hash',
      title: { type: 'plain_text', text: 'Modal', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: null,
      previous_view_id: null,
      root_view_id: view.id ?? 'V1',
      app_id: API_APP_ID,
      external_id: '',
      app_installed_team_id: teamId,
      bot_id: 'B1',
    },
    response_urls: [],
    is_enterprise_install: options.isEnterpriseInstall ?? false,
    enterprise,
  });
}

export type BlockActionsOptions = {
  teamId: string;
  userId: string;
  channelId: string;
  actionId: string;
  value: string;
  blockId?: string;
  responseUrl?: string;
  triggerId?: string;
  messageTs?: string;
  /** The clicked message is a reply in this thread. */
  threadTs?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
};

/** A button click (`block_actions`) on a message in a channel. */
export function blockActionsBody(options: BlockActionsOptions): string {
  const { teamId, userId, channelId } = options;
  const messageTs = options.messageTs ?? '1700000000.000100';
  const enterprise = options.enterpriseId ? { id: options.enterpriseId, name: 'Fake Grid' } : null;
  return interactionBody({
    type: 'block_actions',
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: teamId },
    api_app_id: API_APP_ID,
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false },
    trigger_id: options.triggerId ?? newTriggerId(),
    team: { id: teamId, domain: `team-${teamId.toLowerCase()}` },
    enterprise,
    is_enterprise_install: options.isEnterpriseInstall ?? false,
    channel: { id: channelId, name: 'orders' },
    message: {
      type: 'message',
      user: 'UBOT',
      ts: messageTs,
      ...(options.threadTs !== undefined ? { thread_ts: options.threadTs } : {}),
      bot_id: 'B1',
      text: '',
      blocks: [],
    },
    state: { values: {} },
    ...(options.responseUrl !== undefined ? { response_url: options.responseUrl } : {}),
    actions: [
      {
        type: 'button',
        action_id: options.actionId,
        block_id: options.blockId ?? 'orderstatus_result_actions',
        text: { type: 'plain_text', text: 'Button', emoji: true },
        value: options.value,
        action_ts: `${Math.floor(Date.now() / 1000)}.000000`,
      },
    ],
  });
}

export type PostToAppOptions = {
  signingSecret: string;
  timestamp?: number | string;
  contentType?: string;
  /** Defaults to `/slack/events` when `baseUrl` has no path of its own. */
  path?: string;
  headers?: Record<string, string>;
};

export type AppResponse = { status: number; text: string; json?: unknown };

/** POSTs a signed body into the app and reads the whole answer. */
export async function postToApp(
  baseUrl: string,
  body: string,
  options: PostToAppOptions,
): Promise<AppResponse> {
  const headers = signSlackRequest(options.signingSecret, body, options.timestamp, options.contentType);
  const response = await fetch(appUrl(baseUrl, options.path), {
    method: 'POST',
    headers: { ...headers, ...options.headers },
    body,
  });
  const text = await response.text();
  const result: AppResponse = { status: response.status, text };
  if (text !== '') {
    try {
      result.json = JSON.parse(text) as unknown;
    } catch {
      // Not JSON (Bolt acks with an empty body or plain text); `text` has it.
    }
  }
  const refused = ackIssues(result.json);
  if (refused.length > 0) throw new Error(`Slack would refuse the app's answer: ${refused.join('; ')}`);
  return result;
}

/**
 * What Slack would refuse in an acknowledgement the app answered with: a view_submission's
 * `response_action` (its view), or a slash command's message (its blocks). Slack then shows the person
 * an error instead, so a test must not take such an answer for a good one.
 */
function ackIssues(json: unknown): string[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return [];
  const answer = json as Record<string, unknown>;
  if (answer.response_action !== undefined) return responseActionIssues(answer);
  return answer.blocks !== undefined ? messageIssues(answer) : [];
}

function appUrl(baseUrl: string, path: string | undefined): string {
  const url = new URL(baseUrl);
  if (path !== undefined) return new URL(path, url).toString();
  if (url.pathname === '/' || url.pathname === '') return new URL('/slack/events', url).toString();
  return url.toString();
}

function newTriggerId(): string {
  const random = Math.random().toString(16).slice(2, 14).padEnd(12, '0');
  return `${Date.now()}.1.${random}`;
}

/**
 * A submitted view's `state.values` as Slack sends it: plain text inputs carry `value`, the fields
 * named in `selects` carry a `selected_option`.
 */
export function viewState(
  fields: Readonly<Record<string, { blockId: string; actionId: string }>>,
  values: Readonly<Record<string, string>>,
  selects: readonly string[] = ['status', 'pod', 'statusSpelling'],
  conversations: readonly string[] = ['repliesChannel'],
): Record<string, Record<string, unknown>> {
  const state: Record<string, Record<string, unknown>> = {};
  for (const [field, value] of Object.entries(values)) {
    const ids = fields[field];
    if (!ids) throw new Error(`no such field: ${field}`);
    state[ids.blockId] = selects.includes(field)
      ? { [ids.actionId]: { type: 'static_select', selected_option: { value } } }
      : conversations.includes(field)
        ? { [ids.actionId]: { type: 'conversations_select', selected_conversation: value } }
        : { [ids.actionId]: { type: 'plain_text_input', value } };
  }
  return state;
}
