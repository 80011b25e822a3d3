import type { KnownBlock } from '@slack/types';
import type { BulkCounts, BulkPauseReason } from '../../storage/bulk-jobs.ts';
import type { BulkJob } from '../../storage/bulk-tables.ts';
import { BULK_ACTIONS_BLOCK, BULK_CANCEL_ACTION } from '../ids.ts';
import { buildConfirmDialog } from './confirm-dialog.ts';
import { codeWithin, formatActor, formatSlackDate, type SlackMessage } from './mrkdwn.ts';

export type BulkProgressInput = {
  job: Pick<BulkJob, 'id' | 'state' | 'total' | 'createdBy' | 'fileName' | 'canceledBy'> &
    Partial<Pick<BulkJob, 'paused' | 'resumed'>>;
  counts: BulkCounts;
};

/** What a paused job's message says: why, and what lifts it (the words of the refusal it stopped on). */
export const BULK_PAUSED_NOTES: Record<BulkPauseReason, string> = {
  template_paused:
    'Meta stopped the WhatsApp template these updates use, so sending paused before Kaleyra. The updates not sent yet are kept: sending resumes by itself when Meta reinstates the template, or as soon as an admin makes a template Meta has not stopped the default (they then go out with it). Cancel drops them.',
  number_flagged:
    'Meta flagged the quality of the business number, so sending paused before more bulk messages could lower it. The updates not sent yet are kept: sending resumes when Meta unflags the number, or when an admin resumes it deliberately. Cancel drops them.',
};

const n = (value: number) => value.toLocaleString('en-US');

/** Why a paused job went on, in the words its message and the admins read. */
export function describeResume(resumed: NonNullable<BulkJob['resumed']>): string {
  switch (resumed.why) {
    case 'template_lifted':
      return 'Meta lifted the stop on its template';
    case 'default_changed': {
      const { template } = resumed;
      const to = template
        ? ` to \`${codeWithin(template.name, 100)}\` in \`${codeWithin(template.language, 16)}\``
        : '';
      return `the workspace’s default template changed${to}, which Meta has not stopped`;
    }
    case 'number_lifted':
      return 'Meta lifted the quality flag on the business number';
    case 'override':
      return 'an admin resumed bulk sends although the number is flagged';
  }
}

/** What the admins are told when a paused job goes on because the default template changed. */
export function buildBulkResumedMessage({ job, counts }: BulkProgressInput): SlackMessage | undefined {
  if (!job.resumed) return undefined;
  const file = job.fileName ? ` from \`${codeWithin(job.fileName, 80)}\`` : '';
  const text = `:arrow_forward: *Bulk send resumed*${file} (started by ${formatActor(job.createdBy)}) ${formatSlackDate(job.resumed.at.toISOString())}: ${describeResume(job.resumed)}. ${n(counts.pending)} update${counts.pending === 1 ? '' : 's'} not sent yet go out now, each once.`;
  return {
    text: text.replace(/:[a-z_]+: /, ''),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}

/** `120 / 300 sent · 2 failed · 1 already sent`, then whatever else there is (unknown, canceled). */
export function describeBulkCounts(total: number, counts: BulkCounts): string {
  const parts = [
    `${n(counts.sent)} / ${n(total)} sent`,
    `${n(counts.failed)} failed`,
    `${n(counts.already_sent)} already sent`,
  ];
  if (counts.unknown > 0) parts.push(`${n(counts.unknown)} unknown`);
  if (counts.canceled > 0) parts.push(`${n(counts.canceled)} canceled`);
  return parts.join(' · ');
}

/**
 * The job's one message in the channel, as it stands: progress with a Cancel button while it runs, the
 * summary once every row is settled. Always rendered from the job and its counts as stored, so any
 * process may edit it at any time and it reads right.
 */
export function buildBulkProgressMessage({ job, counts }: BulkProgressInput): SlackMessage {
  const file = job.fileName ? ` from \`${codeWithin(job.fileName, 80)}\`` : '';
  const by = formatActor(job.createdBy);
  const line = describeBulkCounts(job.total, counts);
  const settled = counts.pending === 0;
  let head: string;
  const notes: string[] = [];
  if (job.state === 'canceled') {
    const who = job.canceledBy ? ` by ${formatActor(job.canceledBy)}` : '';
    head = `:no_entry_sign: *Bulk send canceled*${who}${file} (started by ${by})`;
    notes.push(
      settled
        ? 'Nothing more will be sent. The result file (one line per row) is in the thread.'
        : `${n(counts.pending)} being sent right now will finish; nothing else will be sent.`,
    );
  } else if (job.state === 'done' || (settled && job.state !== 'draft')) {
    head = `:white_check_mark: *Bulk send finished*${file} (started by ${by})`;
    notes.push('The result file (one line per row: outcome, message_id or error code) is in the thread.');
  } else if (job.paused && job.state === 'queued') {
    head = `:double_vertical_bar: *Bulk send paused* ${formatSlackDate(job.paused.at.toISOString())}${file} (started by ${by}): ${n(counts.pending)} not sent yet`;
    notes.push(BULK_PAUSED_NOTES[job.paused.reason]);
  } else {
    head = `:outbox_tray: *Sending order updates*${file}, started by ${by}`;
    if (job.resumed) {
      notes.push(`Resumed ${formatSlackDate(job.resumed.at.toISOString())}: ${describeResume(job.resumed)}.`);
    }
    notes.push(
      'Paced to the business number’s send limit, between everyone’s other updates. Cancel stops what has not been sent yet.',
    );
  }
  if (counts.unknown > 0) {
    notes.push(
      'An *unknown* update may or may not have reached the customer (Kaleyra did not confirm it): check it before sending it again.',
    );
  }
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `${head}\n*${line}*` } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: notes.join(' ') }] },
  ];
  if (job.state === 'queued' && !settled) {
    blocks.push({
      type: 'actions',
      block_id: BULK_ACTIONS_BLOCK,
      elements: [
        {
          type: 'button',
          action_id: BULK_CANCEL_ACTION,
          text: { type: 'plain_text', text: 'Cancel' },
          style: 'danger',
          value: job.id,
          confirm: buildConfirmDialog({
            title: 'Cancel this bulk send?',
            text: 'Updates not sent yet will not be sent. Those already sent stay sent.',
            confirm: 'Stop sending',
            deny: 'Keep sending',
          }),
        },
      ],
    });
  }
  return { text: `${head.replace(/:[a-z_]+: /, '')}: ${line}`, blocks };
}
