import type { webApi } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { Logger } from '../../../logger.ts';
import { deliverMessage } from '../../deliver-message.ts';
import { slackErrorCode } from '../../slack-error-code.ts';
import type { CommandArgs } from './orderstatus-command.ts';

export type ModalDeps = { logger: Logger; trustedResponseOrigins: readonly string[] };
export type OpenedModal = { id: string; hash?: string | undefined };

/** Who asked for a modal, and where to tell them if it cannot be opened. */
export type ModalOpener = {
  client: webApi.WebClient;
  triggerId: string;
  userId: string;
  channelId?: string | undefined;
  responseUrl?: string | undefined;
};

/** The opener of a slash command. */
export function commandOpener({ client, command }: Pick<CommandArgs, 'client' | 'command'>): ModalOpener {
  return {
    client,
    triggerId: command.trigger_id,
    userId: command.user_id,
    channelId: command.channel_id,
    responseUrl: command.response_url,
  };
}

/**
 * Opens a modal, or tells the person (ephemerally) that it could not be opened instead of leaving
 * them with nothing after the ack: an `expired_trigger_id` (Slack allows 3 s) or a Slack outage.
 * `what` names the modal ("the form"), `again` what to use again (a command, or the shortcut).
 */
export async function openModalOrTell(
  deps: ModalDeps,
  opener: ModalOpener,
  { what, again }: { what: string; again: string },
  view: ModalView,
): Promise<OpenedModal | undefined> {
  const { client } = opener;
  try {
    const opened = await client.views.open({ trigger_id: opener.triggerId, view });
    return opened.view?.id ? { id: opened.view.id, hash: opened.view.hash } : undefined;
  } catch (error) {
    const code = slackErrorCode(error);
    deps.logger.warn({ reason: code }, `could not open ${what}`);
    const text =
      code === 'expired_trigger_id'
        ? `Slack did not let the app open ${what} in time (expired_trigger_id). Use ${again} again.`
        : `Could not open ${what} just now (${code}). Use ${again} again in a minute; if it keeps happening, tell whoever runs orderstatus.`;
    await deliverMessage(
      { client, logger: deps.logger, trustedResponseOrigins: deps.trustedResponseOrigins },
      {
        userId: opener.userId,
        channelId: opener.channelId,
        responseUrl: opener.responseUrl,
        visibility: 'ephemeral',
      },
      { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${text}` } }] },
    );
    return undefined;
  }
}

/** Replaces an open modal's content; the hash keeps a stale update from overwriting a newer one. */
export async function replaceModal(
  client: webApi.WebClient,
  opened: OpenedModal,
  view: ModalView,
): Promise<void> {
  await client.views.update({ view_id: opened.id, ...(opened.hash ? { hash: opened.hash } : {}), view });
}
