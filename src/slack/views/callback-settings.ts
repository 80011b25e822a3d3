import type { KnownBlock, ModalView } from '@slack/types';
import { CALLBACK_PASSWORD_ACTION, CALLBACK_PASSWORD_VIEW } from '../ids.ts';
import { buildConfirmDialog } from '../messages/confirm-dialog.ts';
import { codeWithin, escapeCode, formatSlackDate } from '../messages/mrkdwn.ts';

/** What the settings modal shows about Kaleyra's status callbacks (never the password). */
export type CallbackSettings = {
  url: string;
  /** Absent until a password has been generated once. */
  username?: string | undefined;
  lastCallbackAt?: string | undefined;
  /** False when PUBLIC_URL is unset and `url` holds a placeholder host. */
  publicUrlSet: boolean;
};

/** What to enter in Kaleyra's callback profile, and when the last callback came (never the password). */
export function callbackSettingsLines(settings: CallbackSettings): string[] {
  return [
    '*Delivery status (Kaleyra callbacks)*',
    'In Kaleyra: Callback Profiles → Add New → WhatsApp, message status, POST, with Basic authentication:',
    `*URL:* \`${codeWithin(settings.url, 500)}\``,
    settings.username
      ? `*Username:* \`${escapeCode(settings.username)}\``
      : '*Username:* none yet (generate a password to get one)',
    `*Last callback:* ${settings.lastCallbackAt ? formatSlackDate(settings.lastCallbackAt) : 'none received yet'}`,
  ];
}

/** Shown when PUBLIC_URL is unset, so the URL above holds a placeholder host. */
export const PLACEHOLDER_HOST_NOTE = 'The host is a placeholder: whoever runs orderstatus sets PUBLIC_URL.';

/** The callback part of the settings modal: URL, username, last callback, and the new-password button. */
export function buildCallbackSettingsBlocks(settings: CallbackSettings): KnownBlock[] {
  const lines = callbackSettingsLines(settings);
  const blocks: KnownBlock[] = [
    { type: 'divider' },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: lines.join('\n') },
      accessory: {
        type: 'button',
        action_id: CALLBACK_PASSWORD_ACTION,
        text: { type: 'plain_text', text: settings.username ? 'New password' : 'Generate password' },
        confirm: buildConfirmDialog({
          title: 'New callback password?',
          text: 'The current password stops working within seconds: enter the new one in Kaleyra’s callback profile straight away.',
          confirm: 'Generate',
          deny: 'Cancel',
        }),
      },
    },
  ];
  if (!settings.publicUrlSet) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: PLACEHOLDER_HOST_NOTE }],
    });
  }
  return blocks;
}

/** Shown once, only to the admin who asked: the new login for Kaleyra's callback profile. */
export function buildCallbackPasswordView(login: {
  url: string;
  username: string;
  password: string;
}): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_PASSWORD_VIEW,
    title: { type: 'plain_text', text: 'Callback password' },
    close: { type: 'plain_text', text: 'Done' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: ':key: Enter these in Kaleyra’s callback profile (Basic authentication) now. The password is shown only this once and is not stored anywhere readable.',
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*URL:* \`${codeWithin(login.url, 500)}\`\n*Username:* \`${escapeCode(login.username)}\`\n*Password:* \`${escapeCode(login.password)}\``,
        },
      },
    ],
  };
}

/** Shown instead when the person who clicked is no longer a workspace admin. */
export function buildCallbackPasswordRefusedView(text: string): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_PASSWORD_VIEW,
    title: { type: 'plain_text', text: 'Callback password' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:lock: ${text}` } }],
  };
}
