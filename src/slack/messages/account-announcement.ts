import type { KnownBlock } from '@slack/types';
import { describeRefusal } from '../../describe/describe-refusal.ts';
import type { Surface } from '../../describe/surface.ts';
import { maskPhoneNumber } from '../../domain/mask-phone.ts';
import { SendRefusedError } from '../../errors/send-refused-error.ts';
import type { Unannounced } from '../../storage/account-announcements-store.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { resumeButton } from './consent-messages.ts';
import { codeWithin, cutMrkdwn, formatSlackDate, type SlackMessage } from './mrkdwn.ts';
import { SLACK_SURFACE } from './slack-surface.ts';

/** A template or the business number whose state changed what may be sent, as the admins are told. */
export type AnnouncedChange = Omit<Unannounced, 'workspaceId'>;

// An announcement is not a send: "so nothing was sent" would be beside the point.
const ANNOUNCEMENT_SURFACE: Surface = { ...SLACK_SURFACE, attempt: 'other' };

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: cutMrkdwn(text, SLACK_LIMITS.sectionText) },
});
const literal = (text: string) => `\`${codeWithin(text, 100)}\``;

/**
 * The one message the workspace's admins get when Meta stops or lifts a template or flags or unflags
 * the business number (once per change, whichever replica heard of it). A stop says it in the words
 * the refused sends use, and what an admin can do; a flag carries the button to resume bulk sends.
 */
export function buildAccountAnnouncement(change: AnnouncedChange): SlackMessage {
  const when = formatSlackDate(change.since.toISOString());
  const limit = change.currentLimit ? `, messaging limit ${literal(change.currentLimit)}` : '';
  if (change.kind === 'template' && change.stopped) {
    const { summary, nextStep } = describeRefusal(
      new SendRefusedError('template_paused', {
        templateName: change.subject,
        ...(change.language ? { languageCode: change.language } : {}),
        event: change.event,
        ...(change.reason && change.reason.toUpperCase() !== 'NONE' ? { metaReason: change.reason } : {}),
      }),
      ANNOUNCEMENT_SURFACE,
    );
    const text = `:no_entry: ${summary} Since ${when}, every send with it is refused before Kaleyra and bulk sends using it are paused (their remaining rows are kept).\n*What to do:* ${nextStep} Sends and paused bulk sends resume by themselves when Meta reinstates it.`;
    return { text, blocks: [section(text)] };
  }
  if (change.kind === 'template') {
    const language = change.language ? ` in ${literal(change.language)}` : '';
    const text = `:white_check_mark: Meta lifted the stop on the WhatsApp template ${literal(change.subject)}${language} (${literal(change.event)}) ${when}: sends with it go again, and bulk sends it paused resume.`;
    return { text, blocks: [section(text)] };
  }
  const number = maskPhoneNumber(change.subject);
  if (!change.stopped) {
    const text = `:white_check_mark: Meta lifted the quality flag on the business number ${number} (${literal(change.event)}${limit}) ${when}: bulk sends go again, and paused bulk sends resume.`;
    return { text, blocks: [section(text)] };
  }
  const { summary, nextStep } = describeRefusal(
    new SendRefusedError('number_flagged', {
      businessNumber: change.subject,
      event: change.event,
      ...(change.currentLimit ? { currentLimit: change.currentLimit } : {}),
    }),
    ANNOUNCEMENT_SURFACE,
  );
  const text = `:warning: ${summary} (${literal(change.event)} ${when}, ${number}.) Single updates still go, each with a one-line warning to the agent.\n*What to do:* ${nextStep}`;
  return { text, blocks: [section(text), resumeButton()] };
}
