import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { describeError } from '../../../describe/describe-error.ts';
import type { SessionTextService } from '../../../services/session-text.ts';
import type { IncomingRow } from '../../../storage/incoming-store.ts';
import { buildErrorNotice } from '../../messages/notices.ts';
import { SLACK_SURFACE } from '../../messages/slack-surface.ts';
import { openSendForm, type SendFormDeps } from '../../send-form.ts';
import { buildNoticeView } from '../../views/notice-view.ts';
import {
  buildReplyModal,
  buildWindowClosedNotice,
  type ReplyModalMetadata,
} from '../../views/reply-modal.ts';
import { workspaceOf } from '../../workspace-of.ts';
import { type ModalOpener, openModalOrTell } from '../commands/open-modal.ts';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

export type ReplyActionDeps = SendFormDeps & { sessionText: Pick<SessionTextService, 'openReply'> };

const AGAIN = 'the Reply button';
const WHAT = { what: 'the reply form', again: AGAIN };

/**
 * The Reply button on a customer's message (its value: the stored message's id, read in the clicking
 * workspace only): the reply modal while WhatsApp's 24-hour window is open, else the order-status form
 * filled in with the customer's number and the order, saying why. Any member of the channel may answer.
 */
export function createReplyAction(deps: ReplyActionDeps) {
  return async ({ ack, body, action, client, context }: Args) => {
    await ack();
    const workspaceId = workspaceOf(context);
    if (!workspaceId) {
      deps.logger.warn('a Reply button did not say which workspace it came from');
      return;
    }
    const opener: ModalOpener = {
      client,
      triggerId: body.trigger_id,
      userId: body.user.id,
      channelId: body.channel?.id,
      responseUrl: body.response_url,
    };
    const opened = await deps.sessionText.openReply(workspaceId, action.value ?? '');
    if (!opened.ok) {
      const notice = buildErrorNotice(describeError(opened.error, SLACK_SURFACE));
      await openModalOrTell(deps, opener, WHAT, buildNoticeView('Reply on WhatsApp', notice));
      return;
    }
    const reply = opened.context;
    const where = threadOf(reply.clicked, body);
    const referenceId = reply.order?.referenceId;
    if (reply.window.open) {
      const { latest } = reply;
      const view = buildReplyModal({
        latest: {
          customerName: latest.customer_name,
          customerMasked: latest.customer_masked,
          type: latest.type,
          text: latest.text,
          sentAt: new Date(latest.sent_at),
        },
        window: reply.window,
        referenceId,
        metadata: { incomingId: reply.clicked.id, ...where },
      });
      await openModalOrTell(deps, opener, WHAT, view);
      return;
    }
    await openSendForm(deps, {
      opener,
      workspaceId,
      again: AGAIN,
      fields: () => ({ to: reply.to, ...(referenceId ? { referenceId } : {}) }),
      channelId: where.channelId ?? body.user.id,
      responseUrl: body.response_url,
      notice: buildWindowClosedNotice(reply.window.lastMessageAt, referenceId),
      ...(where.threadTs ? { threadTs: where.threadTs } : {}),
    });
  };
}

/**
 * Where the reply's outcome goes: the customer's message's thread as the app posted it, else the
 * message that was clicked (a reply's own ts does not start a thread: its thread's does).
 */
function threadOf(row: IncomingRow, body: Args['body']): Omit<ReplyModalMetadata, 'incomingId'> {
  if (row.slack_channel && row.slack_ts) {
    return { channelId: row.slack_channel, threadTs: row.slack_thread_ts ?? row.slack_ts };
  }
  const threadTs: unknown = body.message?.thread_ts;
  return {
    channelId: body.channel?.id,
    threadTs: typeof threadTs === 'string' && threadTs !== '' ? threadTs : body.message?.ts,
  };
}
