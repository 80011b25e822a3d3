import type { HomeView, KnownBlock, SectionBlock } from '@slack/types';
import { describeError } from '../../describe/describe-error.ts';
import { describeUnavailable } from '../../describe/describe-unavailable.ts';
import { maskPhoneNumber } from '../../domain/mask-phone.ts';
import type { WorkspaceCredentials } from '../../domain/workspace-settings.ts';
import { NotConfiguredError } from '../../errors/not-configured-error.ts';
import { HOME_RECENT_SENDS, type HomeData, type HomePart } from '../../services/app-home.ts';
import type { HistoryPage } from '../../storage/order-history-store.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { HOME_HISTORY_ACTION, SLASH_COMMAND } from '../ids.ts';
import { ONE_LINER_EXAMPLE } from '../messages/help.ts';
import { historyEntryText } from '../messages/history.ts';
import { codeWithin } from '../messages/mrkdwn.ts';
import { repliesChannelLine, statusSpellingLine } from '../messages/notices.ts';
import { SLACK_SURFACE } from '../messages/slack-surface.ts';
import { buildAdminHomeBlocks } from './app-home-admin.ts';
import { buildKeptBlocks, buildWaitingBlocks } from './app-home-replies.ts';
import { POD_LABELS } from './config-modal.ts';
import { note, problem, section } from './home-blocks.ts';

/** Slack refuses a Home tab of more blocks than this. */
export const HOME_MAX_BLOCKS = 100;

export type AppHomeInput = {
  workspaceId: string;
  data: HomeData;
  /** Where Kaleyra's callbacks go (PUBLIC_URL), shown to admins. */
  callbacks: { url: string; publicUrlSet: boolean };
};

/**
 * A person's App Home: what the app does and how to use it, whether this workspace is set up, the
 * customers waiting for an answer, their own last sends (each with a button for that order's whole
 * history) and, for admins, the settings, the callback setup, the last day's counts and the customers'
 * messages no place in Slack took. Parts that could not be read say so.
 */
export function buildAppHome(input: AppHomeInput): HomeView {
  const { data } = input;
  const blocks: KnownBlock[] = [
    ...introBlocks(),
    { type: 'divider' },
    workspaceBlock(data.settings, input.workspaceId),
    { type: 'divider' },
    ...buildWaitingBlocks(data.waiting),
    { type: 'divider' },
    ...recentBlocks(data.recent),
  ];
  if (data.admin === 'unknown') blocks.push(note(ROLE_UNKNOWN));
  else if (data.admin !== 'no') {
    const repliesChannel = data.settings.ok ? data.settings.value?.repliesChannel : undefined;
    blocks.push(
      ...buildAdminHomeBlocks(data.admin, input.callbacks),
      ...buildKeptBlocks(data.admin.kept, repliesChannel),
    );
  }
  return { type: 'home', blocks: fitBlocks(blocks) };
}

const ROLE_UNKNOWN =
  ':lock: Could not check your Slack role just now, so the admin part is not shown. Open this tab again in a minute.';

function introBlocks(): KnownBlock[] {
  const usage = [
    `• \`${ONE_LINER_EXAMPLE}\` sends at once; the outcome is posted in the channel and changes to *Delivered* or *Read* as WhatsApp reports it.`,
    `• \`${SLASH_COMMAND}\` alone opens a form.`,
    '• On any message (a forwarded email, a ticket), *More actions → Send order status* opens the form filled in with the number and order found in it, and answers in its thread.',
    `• \`${SLASH_COMMAND} history 395001\` (or a +number) lists every update sent for that order. \`${SLASH_COMMAND} help\` explains the rest.`,
  ];
  return [
    { type: 'header', text: { type: 'plain_text', text: 'Order Status' } },
    section(
      'Tell customers on WhatsApp where their order is, through this workspace’s Kaleyra account, without leaving Slack.',
    ),
    section(usage.join('\n')),
  ];
}

function workspaceBlock(part: HomePart<WorkspaceCredentials | undefined>, workspaceId: string): KnownBlock {
  if (!part.ok) return section(problem(describeUnavailable('the settings cannot be shown')));
  const settings = part.value;
  if (!settings) {
    const { nextStep } = describeError(new NotConfiguredError(workspaceId), SLACK_SURFACE);
    return section(`*This workspace* :gear: Not set up yet: no Kaleyra account is connected. ${nextStep}`);
  }
  const lines = [
    '*This workspace* :white_check_mark: Set up',
    `*Kaleyra pod:* ${POD_LABELS[settings.pod]}`,
    `*WhatsApp business number:* ${maskPhoneNumber(settings.businessNumber)}`,
    `*Default template:* \`${codeWithin(settings.templateName, 100)}\` (language \`${codeWithin(settings.languageCode, 20)}\`)`,
    settings.wabaId
      ? '*Template picker:* on: agents pick from Kaleyra’s approved templates'
      : `*Template picker:* off: agents type the template name (an admin can add the WhatsApp Business Account id with \`${SLASH_COMMAND} config\`)`,
    repliesChannelLine(settings.repliesChannel),
    statusSpellingLine(settings.statusSpelling),
  ];
  return section(lines.join('\n'));
}

function recentBlocks(part: HomePart<HistoryPage>): KnownBlock[] {
  const title = `*Your last ${HOME_RECENT_SENDS} updates*, newest first`;
  if (!part.ok)
    return [section(title), section(problem(describeUnavailable('your updates cannot be shown')))];
  const { entries } = part.value;
  if (entries.length === 0) {
    return [section(`${title}\nYou have not sent any update from Slack yet. Try \`${ONE_LINER_EXAMPLE}\`.`)];
  }
  return [
    section(title),
    ...entries.map(
      (entry): SectionBlock => ({
        type: 'section',
        text: { type: 'mrkdwn', text: historyEntryText(entry) },
        // A cut reference would name another order: no button rather than a view Slack refuses.
        ...(entry.reference_id.length <= SLACK_LIMITS.buttonValue
          ? {
              accessory: {
                type: 'button',
                action_id: HOME_HISTORY_ACTION,
                text: { type: 'plain_text', text: 'Order history' },
                value: entry.reference_id,
              },
            }
          : {}),
      }),
    ),
  ];
}

/**
 * At most HOME_MAX_BLOCKS: a longer list is cut, and its last block says how many were left out
 * (no list here should ever get there; this keeps a surprise from making Slack refuse the whole tab).
 */
export function fitBlocks(blocks: KnownBlock[], max = HOME_MAX_BLOCKS): KnownBlock[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  return [...kept, note(`${blocks.length - kept.length} more items are not shown here.`)];
}
