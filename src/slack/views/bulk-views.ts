import type { KnownBlock, ModalView } from '@slack/types';
import { BULK_LIMITS, type BulkIssue } from '../../domain/bulk-csv.ts';
import { LIMITS, ORDER_STATUSES, type OrderStatus, STATUS_LABELS } from '../../domain/order-status.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { BULK_CONFIRM_CALLBACK, BULK_FIELDS, BULK_MODAL_CALLBACK, SLASH_COMMAND } from '../ids.ts';
import { codeWithin, cutMrkdwn, escapeWithin, truncate } from '../messages/mrkdwn.ts';
import { buildTextInput } from './inputs.ts';

/** Bad rows listed in the modal; the rest are counted. */
export const ISSUES_SHOWN = 20;
const TITLE = 'Bulk order updates';
const ISSUE_MAX = 200;

const count = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const fileLabel = (name: string) => `\`${codeWithin(name, 80)}\``;

function modal(blocks: KnownBlock[], extra: Partial<ModalView> = {}): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: TITLE },
    close: { type: 'plain_text', text: extra.submit ? 'Cancel' : 'Close' },
    blocks,
    ...extra,
  };
}

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: cutMrkdwn(text, SLACK_LIMITS.sectionText) },
});

/** `/orderstatus bulk`: the file to send from, and a description for rows that have none. */
export function buildBulkModal(input: { channelId: string }): ModalView {
  return modal(
    [
      section(
        `Send one update per row of a CSV file. Columns by header name: *phone* (or *to*), *reference*, *status*, *description* (optional). Up to ${count(BULK_LIMITS.rows, 'row')} and 1 MiB. Every row is checked before anything is sent.`,
      ),
      {
        type: 'input',
        block_id: BULK_FIELDS.file.blockId,
        label: { type: 'plain_text', text: 'CSV file' },
        hint: {
          type: 'plain_text',
          text: 'UTF-8, comma or semicolon separated, first line naming the columns.',
        },
        element: {
          type: 'file_input',
          action_id: BULK_FIELDS.file.actionId,
          filetypes: ['csv'],
          max_files: 1,
        },
      },
      buildTextInput({
        ids: BULK_FIELDS.description,
        label: 'Default description',
        value: undefined,
        maxLength: LIMITS.description,
        placeholder: 'Your parcel left our warehouse',
        hint: 'Optional. Used for rows whose description is empty.',
        optional: true,
      }),
    ],
    {
      callback_id: BULK_MODAL_CALLBACK,
      submit: { type: 'plain_text', text: 'Check the file' },
      private_metadata: JSON.stringify({ channelId: input.channelId }),
    },
  );
}

/** Shown at once (the submission must be answered within 3 s) while the file is fetched and checked. */
export function buildBulkCheckingView(fileName: string): ModalView {
  return modal([
    section(`:hourglass_flowing_sand: Checking ${fileLabel(fileName)}… this takes a few seconds.`),
  ]);
}

/** Nothing was sent: what is wrong with the file, or its first bad rows (the rest counted). */
export function buildBulkProblemsView(input: {
  fileName: string;
  fileProblem?: string | undefined;
  issues: readonly BulkIssue[];
}): ModalView {
  const again = `Correct the file and run \`${SLASH_COMMAND} bulk\` again.`;
  if (input.fileProblem || input.issues.length === 0) {
    const problem = input.fileProblem ?? 'The file could not be read.';
    return modal([
      section(
        `:warning: *Nothing was sent.* ${fileLabel(input.fileName)}: ${escapeWithin(problem, 1000)} ${again}`,
      ),
    ]);
  }
  const rows = new Set(input.issues.map((issue) => issue.line)).size;
  const blocks: KnownBlock[] = [
    section(
      `:warning: *Nothing was sent.* ${fileLabel(input.fileName)} has ${count(input.issues.length, 'problem')} in ${count(rows, 'row')}. ${again}`,
    ),
  ];
  for (const issue of input.issues.slice(0, ISSUES_SHOWN)) {
    const where =
      issue.column === '*' ? `Line ${issue.line}` : `Line ${issue.line}, *${escapeWithin(issue.column, 40)}*`;
    blocks.push(section(`• ${where}: ${escapeWithin(issue.message, ISSUE_MAX)}`));
  }
  const more = input.issues.length - ISSUES_SHOWN;
  if (more > 0) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…and ${count(more, 'more problem')} not shown.` }],
    });
  }
  return modal(blocks);
}

export type BulkConfirmInput = {
  jobId: string;
  fileName: string;
  total: number;
  customers: number;
  byStatus: Record<OrderStatus, number>;
  channelId: string | undefined;
};

/** Every row is valid: what will be sent, and the Send button (the modal's submit) that starts it. */
export function buildBulkConfirmView(input: BulkConfirmInput): ModalView {
  const statuses = ORDER_STATUSES.filter((status) => input.byStatus[status] > 0).map(
    (status) => `• ${STATUS_LABELS[status]}: ${input.byStatus[status].toLocaleString('en-US')}`,
  );
  const where = input.channelId ? ` in <#${input.channelId}>` : '';
  return modal(
    [
      section(
        `*${count(input.total, 'update')} to ${count(input.customers, 'distinct customer')}*, from ${fileLabel(input.fileName)}:\n${statuses.join('\n')}`,
      ),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Progress is posted${where} as they go out, with a Cancel button, and the result file at the end. An update that already went out in the last 10 minutes is not sent again.`,
          },
        ],
      },
    ],
    {
      callback_id: BULK_CONFIRM_CALLBACK,
      submit: {
        type: 'plain_text',
        text: truncate(`Send ${count(input.total, 'update')}`, SLACK_LIMITS.viewSubmit),
      },
      private_metadata: JSON.stringify({ jobId: input.jobId }),
    },
  );
}

/** The bulk modal's private_metadata: where the command was typed. Never throws. */
export function readBulkModalMetadata(privateMetadata: unknown): { channelId?: string; jobId?: string } {
  if (typeof privateMetadata !== 'string' || privateMetadata === '') return {};
  try {
    const parsed: unknown = JSON.parse(privateMetadata);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: { channelId?: string; jobId?: string } = {};
    for (const key of ['channelId', 'jobId'] as const) {
      const value = Object.hasOwn(parsed, key) ? (parsed as Record<string, unknown>)[key] : undefined;
      if (typeof value === 'string' && value !== '') out[key] = value;
    }
    return out;
  } catch {
    return {};
  }
}
