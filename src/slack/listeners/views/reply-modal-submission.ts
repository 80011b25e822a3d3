import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { validateReplyText } from '../../../domain/session-text.ts';
import type { Logger } from '../../../logger.ts';
import { REPLY_FIELDS, readReplyModalText } from '../../ids.ts';
import type { ReplyReporter } from '../../reply-and-report.ts';
import { buildFieldErrors } from '../../views/inputs.ts';
import { readReplyModalMetadata } from '../../views/reply-modal.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/** The reply modal's submit: the text's problem under its input, or close the modal and send. */
export function createReplyModalSubmission(deps: { reporter: ReplyReporter; logger: Logger }) {
  return async ({ ack, body, view, client, context }: Args) => {
    const typed = validateReplyText(readReplyModalText(view) ?? '');
    if (!typed.ok) return ack(buildFieldErrors(REPLY_FIELDS, { text: typed.issue }));
    await ack();
    const workspaceId = workspaceOf(context);
    const metadata = readReplyModalMetadata(view.private_metadata);
    if (!workspaceId || !metadata) {
      deps.logger.warn({ metadata: metadata !== undefined }, 'a reply modal came back without its message');
      return;
    }
    deps.reporter.start({
      client,
      workspaceId,
      userId: body.user.id,
      incomingId: metadata.incomingId,
      text: typed.text,
      channelId: metadata.channelId,
      threadTs: metadata.threadTs,
    });
  };
}
