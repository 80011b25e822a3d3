import { buildSendingNotice } from '../../messages/notices.ts';
import type { SendReporter } from '../../send-and-report.ts';
import type { SubcommandHandlers } from './orderstatus-command.ts';

/** A complete one-liner: "Sending…" in the ack, the send after it. */
export function createSendCommand(reporter: SendReporter): SubcommandHandlers['send'] {
  return async ({ ack, command, client }, parsed, workspaceId) => {
    await ack({ response_type: 'ephemeral', ...buildSendingNotice(parsed.request) });
    reporter.start({
      client,
      workspaceId,
      userId: command.user_id,
      channelId: command.channel_id,
      responseUrl: command.response_url,
      request: parsed.request,
    });
  };
}
