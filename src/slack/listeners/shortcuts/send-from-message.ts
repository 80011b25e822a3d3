import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { findOrderHints } from '../../../domain/order-hints.ts';
import type { CommandFields } from '../../../domain/parse-command.ts';
import { messageTextOf } from '../../message-text.ts';
import { openSendForm, type SendFormDeps } from '../../send-form.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

const AGAIN = 'the *Send order status* shortcut on the message';

/**
 * "Send order status" on a message (a forwarded email, a ticket notification): the send form,
 * prefilled with the first customer number (national numbers read with the country of the workspace's
 * business number) and order reference in the message. The outcome goes in the message's thread.
 */
export function createSendFromMessageShortcut(deps: SendFormDeps) {
  return async ({ ack, shortcut, client, context }: Args) => {
    await ack();
    const workspaceId = workspaceOf(context);
    if (!workspaceId) {
      deps.logger.warn('a message shortcut did not say which workspace it came from');
      return;
    }
    const text = messageTextOf(shortcut.message);
    // A reply's own ts does not start a thread: a message inside a thread is answered in that thread.
    const threadTs = threadOf(shortcut.message) ?? shortcut.message.ts;
    await openSendForm(deps, {
      opener: {
        client,
        triggerId: shortcut.trigger_id,
        userId: shortcut.user.id,
        channelId: shortcut.channel.id,
        responseUrl: shortcut.response_url,
      },
      workspaceId,
      again: AGAIN,
      fields: (settings) => {
        const hints = findOrderHints(text, settings?.businessNumber);
        const fields: CommandFields = {};
        if (hints.to) fields.to = hints.to;
        if (hints.referenceId) fields.referenceId = hints.referenceId;
        return fields;
      },
      channelId: shortcut.channel.id,
      responseUrl: shortcut.response_url,
      fromMessage: (fields) => ({
        threadTs,
        found: { to: fields.to !== undefined, referenceId: fields.referenceId !== undefined },
      }),
    });
  };
}

function threadOf(message: MessageShortcut['message']): string | undefined {
  const threadTs: unknown = message.thread_ts;
  return typeof threadTs === 'string' && threadTs !== '' ? threadTs : undefined;
}
