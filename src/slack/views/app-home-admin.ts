import type { KnownBlock } from '@slack/types';
import { describeCallbacksSilent } from '../../describe/describe-callbacks-silent.ts';
import { describeAccountHealth } from '../../describe/describe-consent.ts';
import { describeUnavailable } from '../../describe/describe-unavailable.ts';
import type { AdminData } from '../../services/app-home.ts';
import type { FailureStage, WorkspaceActivity } from '../../storage/workspace-activity.ts';
import { HOME_SETTINGS_ACTION } from '../ids.ts';
import { resumeButton } from '../messages/consent-messages.ts';
import { codeWithin } from '../messages/mrkdwn.ts';
import { SLACK_SURFACE } from '../messages/slack-surface.ts';
import { callbackSettingsLines, PLACEHOLDER_HOST_NOTE } from './callback-settings.ts';
import { note, problem, section } from './home-blocks.ts';

/** Codes listed per kind of failure; the rest are counted. */
export const MAX_CODES_SHOWN = 8;

const STAGE_LABELS: Record<FailureStage, string> = {
  refused: 'Refused by Kaleyra',
  unconfirmed: 'Not confirmed by Kaleyra (may have reached the customer)',
  not_delivered: 'Not delivered by WhatsApp',
};

/**
 * The admins' part of the App Home: the Settings button, the callback setup (with a warning when
 * sends get no callbacks) and the last day's counts.
 */
export function buildAdminHomeBlocks(
  admin: AdminData,
  callbacks: { url: string; publicUrlSet: boolean },
): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'divider' },
    {
      ...section(
        '*For admins and owners:* the Kaleyra account, the template picker and the callback password are in the settings.',
      ),
      accessory: {
        type: 'button',
        action_id: HOME_SETTINGS_ACTION,
        text: { type: 'plain_text', text: 'Settings' },
      },
    },
  ];
  if (admin.callbacks.ok) {
    const info = admin.callbacks.value;
    const lines = callbackSettingsLines({
      ...callbacks,
      username: info?.username,
      lastCallbackAt: info?.lastCallbackAt?.toISOString(),
    });
    blocks.push(section(lines.join('\n')));
    if (!callbacks.publicUrlSet) blocks.push(note(PLACEHOLDER_HOST_NOTE));
  } else {
    blocks.push(section(problem(describeUnavailable('the callback setup cannot be shown'))));
  }
  blocks.push(...healthBlocks(admin.health));
  if (!admin.activity.ok) {
    blocks.push(section(problem(describeUnavailable('the last day’s counts cannot be shown'))));
    return blocks;
  }
  const activity = admin.activity.value;
  if (activity.awaitingCallbacks > 0 && activity.oldestAwaitingAt) {
    const lastCallbackAt = admin.callbacks.ok ? admin.callbacks.value?.lastCallbackAt : undefined;
    const silent = describeCallbacksSilent(
      {
        count: activity.awaitingCallbacks,
        oldestAt: activity.oldestAwaitingAt.toISOString(),
        lastCallbackAt: lastCallbackAt?.toISOString(),
      },
      SLACK_SURFACE,
    );
    blocks.push(section(problem(silent)));
  }
  blocks.push(section(activityText(activity)));
  return blocks;
}

/** Consent and quality: opted-out count, the template's and the number's state since when, the override. */
function healthBlocks(part: AdminData['health']): KnownBlock[] {
  if (!part.ok) return [section(problem(describeUnavailable('consent and quality cannot be shown')))];
  if (!part.value) return [];
  const lines = describeAccountHealth(part.value, part.value.optedOut, SLACK_SURFACE);
  const flagged = part.value.number?.flagged === true && part.value.number.override === undefined;
  return [{ ...section(`*Consent and quality*\n${lines.join('\n')}`) }, ...(flagged ? [resumeButton()] : [])];
}

/** The last 24 hours in a few lines: sent, delivered, read, duplicates stopped, failures by code. */
export function activityText(activity: WorkspaceActivity): string {
  const lines = [
    '*Last 24 hours*',
    `Sent ${activity.sent} · delivered ${activity.delivered} · read ${activity.read} · duplicates stopped ${activity.duplicates}`,
  ];
  const failed = activity.failures.reduce((sum, failure) => sum + failure.count, 0);
  lines.push(failed === 0 ? 'No failures.' : `Failed ${failed}:`);
  for (const stage of Object.keys(STAGE_LABELS) as FailureStage[]) {
    const codes = activity.failures.filter((failure) => failure.stage === stage);
    if (codes.length === 0) continue;
    const shown = codes
      .slice(0, MAX_CODES_SHOWN)
      .map((failure) => `\`${codeWithin(failure.code, 40)}\` ×${failure.count}`);
    const rest = codes.length - MAX_CODES_SHOWN;
    lines.push(
      `• ${STAGE_LABELS[stage]}: ${shown.join(', ')}${rest > 0 ? ` and ${rest} more code${rest === 1 ? '' : 's'}` : ''}`,
    );
  }
  return lines.join('\n');
}
