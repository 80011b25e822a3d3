import { callbackUrl } from '../domain/callback-url.ts';
import type { Services } from '../services/open-services.ts';
import { type DoctorCheck, type Finding, workspacesCheckOf } from './doctor-check.ts';

/** Sends with no callback for this long mean the callback profile is not reaching us. */
export const CALLBACK_SILENCE_MS = 60 * 60 * 1000;

/**
 * Kaleyra's status callbacks (delivery status): PUBLIC_URL set so the callback URL can be given to
 * Kaleyra, and for each configured workspace a callback login, and callbacks arriving after its sends.
 */
export const callbacksCheck: DoctorCheck = workspacesCheckOf(
  'callbacks',
  async (services, { ids, lastSends }) => {
    const findings: Finding[] = [];
    if (services.publicUrl === undefined) {
      findings.push({
        status: 'warn',
        subject: 'callbacks',
        text: `PUBLIC_URL is not set, so the callback URL is shown as ${callbackUrl(undefined)}`,
        fix: 'Set PUBLIC_URL to the app’s public base URL (e.g. https://orderstatus.example.com).',
      });
    }
    for (const id of ids) {
      const login = await services.callbackCredentials.show(id);
      const lastSendAt = lastSends.get(id)?.at;
      findings.push(judgeCallbackSetup(id, login, lastSendAt));
    }
    return findings;
  },
);

/** One workspace's callback setup, from its login, its last send (ISO) and the time now. */
export function judgeCallbackSetup(
  id: string,
  login: Awaited<ReturnType<Services['callbackCredentials']['show']>>,
  lastSendAt: string | undefined,
  now = Date.now(),
): Finding {
  const subject = `callbacks ${id}`;
  if (!login) {
    return {
      status: 'warn',
      subject,
      text: 'no callback login: the channel shows sends as accepted, never as delivered or read',
      fix: `Run: orderstatus callbacks rotate --team ${id}, and enter the url, username and password in Kaleyra's callback profile (docs/delivery-status.md).`,
    };
  }
  const last = login.lastCallbackAt;
  // Sends newer than the last callback, and no callback for an hour: Kaleyra is not calling back.
  const silent =
    lastSendAt !== undefined &&
    Date.parse(lastSendAt) > (last?.getTime() ?? 0) &&
    now - (last?.getTime() ?? Date.parse(lastSendAt)) > CALLBACK_SILENCE_MS;
  if (silent) {
    return {
      status: 'warn',
      subject,
      text: `sends went out (the last at ${lastSendAt}) but no callback arrived ${last ? `since ${last.toISOString()}` : 'ever'}`,
      fix: `Check Kaleyra's callback profile for this business number: its URL, username ${login.username} and password (orderstatus callbacks rotate --team ${id} makes a new one).`,
    };
  }
  return {
    status: 'ok',
    subject,
    text: `login ${login.username}; last callback ${last ? last.toISOString() : 'none yet'}`,
  };
}
