import { maskPhoneNumber } from '../../domain/mask-phone.ts';
import { isOrderStatus, normaliseStatus, STATUS_LABELS } from '../../domain/order-status.ts';
import { maskApiKey, type WorkspaceSettings } from '../../domain/workspace-settings.ts';
import { SLASH_COMMAND } from '../ids.ts';
import { POD_LABELS } from '../views/config-modal.ts';
import { escapeCode, escapeMrkdwn, formatActor, type SlackMessage, truncate } from './mrkdwn.ts';
import type { SendResultUpdate } from './send-result.ts';

/** The workspace has no Kaleyra account yet; only an admin can fix that. */
export function buildNotConfiguredMessage(): SlackMessage {
  const text =
    `Nothing was sent: this workspace has no Kaleyra account set up yet (NOT_CONFIGURED). ` +
    `A workspace admin needs to run \`${SLASH_COMMAND} config\` once.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:gear: ${text}` } }] };
}

/** Confirmation for the admin who saved the settings. The key is shown masked, never in full. */
export function buildSettingsSavedMessage(
  credentials: WorkspaceSettings & { updatedBy?: string },
): SlackMessage {
  const pod =
    (POD_LABELS as Record<string, string | undefined>)[credentials.pod] ?? escapeMrkdwn(credentials.pod);
  const lines = [
    `*SID:* \`${escapeCode(truncate(credentials.sid, 64))}\``,
    `*API key:* \`${escapeCode(maskApiKey(credentials.apiKey))}\``,
    `*Pod:* ${pod}`,
    `*WhatsApp business number:* ${escapeMrkdwn(truncate(credentials.businessNumber, 32))}`,
    `*Default template:* \`${escapeCode(truncate(credentials.templateName, 100))}\` (language \`${escapeCode(truncate(credentials.languageCode, 16))}\`)`,
  ];
  const by = credentials.updatedBy ? ` by ${formatActor(credentials.updatedBy)}` : '';
  return {
    text: `Kaleyra settings saved${by}: pod ${pod}, business number ${escapeMrkdwn(truncate(credentials.businessNumber, 32))}.`,
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

/** The interim note while Kaleyra answers; the outcome follows as its own message (or replaces this one). */
export function buildSendingNotice(update: SendResultUpdate): SlackMessage {
  const status = update.status ? normaliseStatus(update.status) : '';
  const label = isOrderStatus(status) ? STATUS_LABELS[status] : 'the update';
  const parts = [`Sending *${label}*`];
  if (update.referenceId) parts.push(`for order \`${escapeCode(truncate(update.referenceId, 60))}\``);
  if (update.to) parts.push(`to ${maskPhoneNumber(update.to)}`);
  const text = `${parts.join(' ')}…`;
  return {
    text,
    blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: `:outbox_tray: ${text}` }] }],
  };
}

/** The database is unreachable: nothing was sent, and saying "not configured" would be a lie. */
export function buildStorageDownMessage(): SlackMessage {
  const text =
    'Nothing was sent: the app cannot reach its database right now (STORAGE_UNAVAILABLE). ' +
    'Try again in a few minutes; if it keeps happening, tell whoever runs the orderstatus app.';
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${text}` } }] };
}
