import type { ErrorDescription } from '../../describe/error-description.ts';
import { describeStatusSpelling, type StatusSpelling } from '../../domain/status-spelling.ts';
import { maskApiKey, type WorkspaceSettings } from '../../domain/workspace-settings.ts';
import { SLASH_COMMAND } from '../ids.ts';
import { POD_LABELS } from '../views/config-modal.ts';
import { describeUpdate, type SendResultUpdate } from './describe-update.ts';
import { codeWithin, escapeCode, escapeWithin, formatActor, type SlackMessage } from './mrkdwn.ts';

/**
 * A problem only the asker can act on (not configured, database down…), shown privately: the
 * description's code, what happened and what to do. Built for Slack (SLACK_SURFACE), so its text is
 * already mrkdwn.
 */
export function buildErrorNotice(description: ErrorDescription): SlackMessage {
  const icon = description.code === 'NOT_CONFIGURED' ? ':gear:' : ':warning:';
  const text = `${description.summary} (${description.code}) ${description.nextStep}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `${icon} ${text}` } }] };
}

/** Confirmation for the admin who saved the settings. The key is shown masked, never in full. */
export function buildSettingsSavedMessage(
  credentials: WorkspaceSettings & { updatedBy?: string },
): SlackMessage {
  const pod =
    (POD_LABELS as Record<string, string | undefined>)[credentials.pod] ?? escapeWithin(credentials.pod, 20);
  const lines = [
    `*SID:* \`${codeWithin(credentials.sid, 64)}\``,
    `*API key:* \`${escapeCode(maskApiKey(credentials.apiKey))}\``,
    `*Pod:* ${pod}`,
    `*WhatsApp business number:* ${escapeWithin(credentials.businessNumber, 32)}`,
    `*Default template:* \`${codeWithin(credentials.templateName, 100)}\` (language \`${codeWithin(credentials.languageCode, 16)}\`)`,
    credentials.wabaId
      ? `*WhatsApp Business Account:* \`${codeWithin(credentials.wabaId, 25)}\` (agents pick from Kaleyra’s approved templates)`
      : '*WhatsApp Business Account:* not set (agents type the template name)',
    repliesChannelLine(credentials.repliesChannel),
    statusSpellingLine(credentials.statusSpelling),
  ];
  const by = credentials.updatedBy ? ` by ${formatActor(credentials.updatedBy)}` : '';
  return {
    text: `Kaleyra settings saved${by}: pod ${pod}, business number ${escapeWithin(credentials.businessNumber, 32)}.`,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `:white_check_mark: *Kaleyra settings saved*${by}.` },
      },
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `Agents can now use \`${SLASH_COMMAND}\`. Try \`${SLASH_COMMAND} help\`.` },
        ],
      },
    ],
  };
}

/** The replies channel setting in one line (the saved-settings message and the App Home). */
export function repliesChannelLine(channel: string | undefined): string {
  return channel
    ? `*Replies channel:* <#${channel}> (customers’ replies no order’s thread can take)`
    : '*Replies channel:* not set (replies no order’s thread can take go to the order’s agent, or wait on the admins’ App Home)';
}

/** The status spelling setting in one line (the saved-settings message and the App Home). */
export function statusSpellingLine(spelling: StatusSpelling | undefined): string {
  return `*Status spelling:* ${describeStatusSpelling(spelling, (word) => `\`${word}\``)}`;
}

/** The interim note while Kaleyra answers; the outcome follows as its own message (or replaces this one). */
export function buildSendingNotice(update: SendResultUpdate): SlackMessage {
  const text = `Sending ${describeUpdate(update)}…`;
  return {
    text,
    blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: `:outbox_tray: ${text}` }] }],
  };
}
