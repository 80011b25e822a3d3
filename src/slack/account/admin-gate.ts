import type { Context, webApi } from '@slack/bolt';
import { describeError } from '../../describe/describe-error.ts';
import { NotConfiguredError } from '../../errors/not-configured-error.ts';
import { StorageError } from '../../errors/storage-error.ts';
import type { Logger } from '../../logger.ts';
import { canChangeSettings, settingsScopeOf } from '../admin.ts';
import { buildAdminsOnly } from '../messages/consent-messages.ts';
import type { SlackMessage } from '../messages/mrkdwn.ts';
import { buildErrorNotice } from '../messages/notices.ts';
import { SLACK_SURFACE } from '../messages/slack-surface.ts';

const ROLE_UNKNOWN: SlackMessage = buildAdminsOnly(
  'do this, and your role could not be checked just now: try again in a minute',
);

/**
 * Runs `work` for a workspace admin or owner (org admins for an org-wide install), checked with
 * users.info on every request; anyone else is told in plain words. A failure the admin can act on
 * (not configured, the database down) becomes its description; anything else is thrown.
 */
export async function asAdmin(
  request: {
    client: webApi.WebClient;
    userId: string;
    context: Pick<Context, 'enterpriseId' | 'isEnterpriseInstall'>;
    logger: Logger;
    /** What only admins may do, as the refusal says it: "opt customers out or back in". */
    what: string;
  },
  work: () => Promise<SlackMessage>,
): Promise<SlackMessage> {
  let admin: boolean;
  try {
    admin = await canChangeSettings(request.client, request.userId, settingsScopeOf(request.context));
  } catch (error) {
    request.logger.warn({ err: error }, 'could not check whether the user is an admin');
    return ROLE_UNKNOWN;
  }
  if (!admin) return buildAdminsOnly(request.what);
  try {
    return await work();
  } catch (error) {
    if (error instanceof StorageError || error instanceof NotConfiguredError) {
      return buildErrorNotice(describeError(error, { ...SLACK_SURFACE, attempt: 'other' }));
    }
    throw error;
  }
}
