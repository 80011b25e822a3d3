import type { webApi } from '@slack/bolt';
import { keywordForm } from '../../domain/consent-keywords.ts';
import type { WorkspaceCredentials } from '../../domain/workspace-settings.ts';
import type { Logger } from '../../logger.ts';
import type { RecordedIncoming } from '../../services/incoming-messages.ts';
import type { DeliveryJournal } from '../../storage/delivery-journal.ts';
import type { IncomingStore } from '../../storage/incoming-store.ts';
import type { SlackCaller } from '../delivery/slack-calls.ts';
import { buildConsentNotice } from '../messages/consent-notice.ts';
import { slackErrorCode } from '../slack-error-code.ts';
import { announcementTarget } from './account-announcer.ts';

export type ConsentNoticesDeps = {
  incoming: Pick<IncomingStore, 'read'>;
  deliveryJournal: Pick<DeliveryJournal, 'read'>;
  credentials: { get(workspaceId: string): Promise<WorkspaceCredentials | undefined> };
  client: webApi.WebClient;
  slack: Pick<SlackCaller, 'call'>;
  logger: Logger;
};

/**
 * Says in the order's thread that the customer opted out or back in, and when: under the order's
 * outcome message (in its own thread when it is a reply), else to the admins (a keyword that matched
 * no order still changes what may be sent). Told once: the receiver hands over only messages recorded
 * for the first time.
 */
export function createConsentNotices(deps: ConsentNoticesDeps) {
  async function notifyOne(workspaceId: string, recorded: RecordedIncoming): Promise<void> {
    if (!recorded.keyword) return;
    const row = await deps.incoming.read(workspaceId, recorded.id);
    if (!row) return;
    const notice = buildConsentNotice({
      action: recorded.keyword,
      customerMasked: row.customer_masked,
      keyword: keywordForm(row.text ?? undefined),
      at: new Date(row.sent_at).toISOString(),
    });
    const order = recorded.attemptId ? await deps.deliveryJournal.read(recorded.attemptId) : undefined;
    const thread =
      order?.workspace_id === workspaceId && order.slack_channel && order.slack_ts
        ? { channel: order.slack_channel, thread_ts: order.slack_thread_ts ?? order.slack_ts }
        : undefined;
    const credentials = thread ? undefined : await deps.credentials.get(workspaceId);
    const admin = credentials && announcementTarget(credentials);
    const where = thread ?? (admin ? { channel: admin } : undefined);
    if (!where) return;
    await deps.slack.call(workspaceId, (token) =>
      deps.client.chat.postMessage({
        token,
        ...where,
        text: notice.text,
        blocks: notice.blocks,
        unfurl_links: false,
      }),
    );
  }

  return {
    /** After the callback was answered (never awaited by it). */
    notify(workspaceId: string, recorded: readonly RecordedIncoming[]): void {
      for (const message of recorded) {
        notifyOne(workspaceId, message).catch((error: unknown) =>
          deps.logger.warn(
            { err: error, workspace: workspaceId, reason: slackErrorCode(error) },
            'could not post an opt-out notice',
          ),
        );
      }
    },
  };
}

export type ConsentNotices = ReturnType<typeof createConsentNotices>;
