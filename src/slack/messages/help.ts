import { ORDER_STATUSES, STATUS_LABELS } from '../../domain/order-status.ts';
import { SLASH_COMMAND } from '../ids.ts';
import type { SlackMessage } from './mrkdwn.ts';

// Spellings parse-command accepts besides Kaleyra's own words; kept next to the status they mean.
const OTHER_SPELLINGS: Partial<Record<(typeof ORDER_STATUSES)[number], string>> = {
  partially_shipped: '`partially-shipped`, `partially shipped`',
  canceled: '`cancelled`',
};

/** A one-liner that sends an update at once. */
export const ONE_LINER_EXAMPLE = `${SLASH_COMMAND} +919876543210 395001 shipped Your parcel left our warehouse`;

/**
 * Answer to `/orderstatus help`: the syntax, the statuses and an example, and the id the CLI's
 * `--team` takes for this workspace (the enterprise id for an org-wide install).
 */
export function buildHelpMessage(workspaceId?: string): SlackMessage {
  const statuses = ORDER_STATUSES.map((status) => {
    const others = OTHER_SPELLINGS[status];
    return `• \`${status}\` — ${STATUS_LABELS[status]}${others ? ` (also ${others})` : ''}`;
  }).join('\n');

  return {
    text: `Send a WhatsApp order-status update: ${SLASH_COMMAND} <customer number> <order reference> <status> [description]. Type ${SLASH_COMMAND} alone to open the form.`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            '*Send a customer a WhatsApp order-status update*\n' +
            `\`${SLASH_COMMAND} <customer number> <order reference> <status> [description]\``,
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            '*Customer number:* the WhatsApp number with + and the country code, e.g. `+919876543210`.\n' +
            '*Order reference:* up to 35 letters, digits, `_`, `-` or `.`; case-sensitive, as WhatsApp treats it (`ab-1` and `AB-1` are different orders).\n' +
            '*Description:* optional, the rest of the line (quotes allowed), up to 120 characters.',
        },
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*Statuses* (any capitalisation):\n${statuses}` },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*Example*\n\`${ONE_LINER_EXAMPLE}\``,
        },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text:
              `\`${SLASH_COMMAND}\` alone (or a line with something missing) opens a form; ` +
              `\`${SLASH_COMMAND} bulk\` sends one update per row of a CSV file. ` +
              `Workspace admins set up the Kaleyra account with \`${SLASH_COMMAND} config\`, manage opt-outs with ` +
              `\`${SLASH_COMMAND} optout +… | remove +… | list\` and see Meta’s word on the template and number with \`${SLASH_COMMAND} quality\`.`,
          },
          ...(workspaceId && /^[A-Z0-9]+$/.test(workspaceId)
            ? [
                {
                  type: 'mrkdwn' as const,
                  text: `This workspace’s id, for the CLI’s \`--team\`: \`${workspaceId}\``,
                },
              ]
            : []),
        ],
      },
    ],
  };
}
