import { parse } from 'csv-parse/sync';
import {
  BULK_CANCEL_ACTION,
  BULK_CONFIRM_CALLBACK,
  BULK_FIELDS,
  BULK_MODAL_CALLBACK,
} from '../../src/slack/ids.ts';
import { waitUntil } from './app-driver.ts';
import type { FakeSlack, PostedMessage, UploadedFile } from './fake-slack.ts';
import {
  type AppResponse,
  blockActionsBody,
  postToApp,
  signSlackRequest,
  viewSubmissionBody,
} from './slack-request.ts';

/** Driving `/orderstatus bulk` the way Slack does: the file modal, its checked view, Send, Cancel. */

export type BulkTarget = { slack: FakeSlack; url: string; signingSecret: string };

export const BULK_CUSTOMER = (i: number) => `+9198765${String(10000 + i).padStart(5, '0')}`;

/** A CSV of `n` valid rows (references `${prefix}${i}`), with `edit(i, cells)` to spoil some. */
export function bulkCsv(
  n: number,
  prefix: string,
  edit: (i: number, cells: string[]) => string[] = (_i, cells) => cells,
): string {
  const rows = Array.from({ length: n }, (_, i) =>
    edit(i, [BULK_CUSTOMER(i), `${prefix}${i}`, i % 5 === 0 ? 'processing' : 'shipped', '']).join(','),
  );
  return `phone,reference,status,description\n${rows.join('\n')}\n`;
}

let views = 0;

/** Uploads `csv` to the fake Slack and submits the bulk modal with it; returns the view id and the ack. */
export async function submitBulkFile(
  app: BulkTarget,
  options: {
    team: string;
    csv: string;
    userId?: string;
    channelId?: string;
    description?: string;
    name?: string;
  },
): Promise<{ viewId: string; fileId: string; ack: AppResponse }> {
  const file = app.slack.addFile(options.csv, { name: options.name ?? 'orders.csv' });
  views += 1;
  const viewId = `VBULK${views}${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
  const values: Record<string, Record<string, unknown>> = {
    [BULK_FIELDS.file.blockId]: {
      [BULK_FIELDS.file.actionId]: { type: 'file_input', files: [{ id: file.id, name: file.name }] },
    },
  };
  if (options.description !== undefined) {
    values[BULK_FIELDS.description.blockId] = {
      [BULK_FIELDS.description.actionId]: { type: 'plain_text_input', value: options.description },
    };
  }
  const body = viewSubmissionBody({
    teamId: options.team,
    userId: options.userId ?? 'UAGENT',
    view: {
      id: viewId,
      callback_id: BULK_MODAL_CALLBACK,
      private_metadata: JSON.stringify({ channelId: options.channelId ?? 'CORDERS' }),
      state: { values },
    },
  });
  const ack = await postToApp(app.url, body, { signingSecret: app.signingSecret });
  return { viewId, fileId: file.id, ack };
}

export type CheckedView = { view: Record<string, unknown>; text: string; jobId: string | undefined };

/** The view the app put in place of "checking…" (views.update of that view). */
export async function checkedView(app: BulkTarget, viewId: string, timeoutMs = 15_000): Promise<CheckedView> {
  const call = await app.slack.waitFor(
    (s) => s.callsTo('views.update').find((c) => c.body.view_id === viewId),
    timeoutMs,
  );
  const view = call.body.view as Record<string, unknown>;
  const metadata = typeof view.private_metadata === 'string' ? view.private_metadata : '';
  const jobId = metadata ? (JSON.parse(metadata) as { jobId?: string }).jobId : undefined;
  return { view, text: JSON.stringify(view.blocks), jobId };
}

/** Presses the confirmation's Send (its submit). */
export function confirmBulk(
  app: BulkTarget,
  options: { team: string; jobId: string; userId?: string },
): Promise<AppResponse> {
  const body = viewSubmissionBody({
    teamId: options.team,
    userId: options.userId ?? 'UAGENT',
    view: {
      callback_id: BULK_CONFIRM_CALLBACK,
      private_metadata: JSON.stringify({ jobId: options.jobId }),
      state: { values: {} },
    },
  });
  return postToApp(app.url, body, { signingSecret: app.signingSecret });
}

/** Clicks Cancel on a job's progress message. */
export function cancelBulk(
  app: BulkTarget,
  options: { team: string; jobId: string; userId?: string; channelId?: string; responseUrl?: string },
): Promise<AppResponse> {
  const body = blockActionsBody({
    teamId: options.team,
    userId: options.userId ?? 'UAGENT',
    channelId: options.channelId ?? 'CORDERS',
    actionId: BULK_CANCEL_ACTION,
    value: options.jobId,
    ...(options.responseUrl ? { responseUrl: options.responseUrl } : {}),
  });
  return postToApp(app.url, body, { signingSecret: app.signingSecret });
}

/** The job's progress message as it reads now (the first message carrying its Cancel button's value). */
export function progressMessage(slack: FakeSlack, jobId: string): PostedMessage | undefined {
  const call = slack
    .callsTo('chat.postMessage')
    .find((c) => JSON.stringify(c.body.blocks ?? '').includes(jobId));
  const answer = call?.response as { channel?: string; ts?: string } | undefined;
  if (!answer?.channel || !answer.ts) return undefined;
  return slack.messageAt(answer.channel, answer.ts);
}

/** The result file uploaded to the progress message's thread, once complete. */
export function resultUpload(slack: FakeSlack, message: PostedMessage): UploadedFile | undefined {
  return slack.uploads.find((u) => u.completed && u.threadTs === message.ts && u.channel === message.channel);
}

/** Waits for the job's result file (its end) and gives its rows. */
export function jobResultRows(
  slack: FakeSlack,
  jobId: string,
  timeoutMs = 20_000,
): Promise<Array<Record<string, string>>> {
  return waitUntil(
    () => {
      const message = progressMessage(slack, jobId);
      const upload = message && resultUpload(slack, message);
      return upload && resultRows(upload);
    },
    timeoutMs,
    'the job’s result file',
  );
}

/** The result file's rows, by column name. */
export function resultRows(upload: UploadedFile): Array<Record<string, string>> {
  return parse(upload.text ?? '', { columns: true }) as Array<Record<string, string>>;
}

/** A `function_executed` event (Workflow Builder ran the step), signed, as JSON like Slack sends it. */
export async function runWorkflowStep(
  app: BulkTarget,
  options: {
    team: string;
    inputs: Record<string, unknown>;
    functionExecutionId?: string;
    workflowExecutionId?: string;
  },
): Promise<{ ack: AppResponse; functionExecutionId: string; token: string }> {
  const functionExecutionId =
    options.functionExecutionId ?? `Fx${Math.random().toString(36).slice(2, 12).toUpperCase()}`;
  const token = `xwfp-${functionExecutionId}`;
  const body = JSON.stringify({
    token: 'fake-verification-token',
    team_id: options.team,
    api_app_id: 'A0ORDERSTATUS',
    type: 'event_callback',
    event_id: `Ev${functionExecutionId}`,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'function_executed',
      function: {
        id: 'Fn0SENDSTATUS',
        callback_id: 'send_order_status',
        title: 'Send WhatsApp order status',
        description: '',
        type: 'app',
        input_parameters: [],
        output_parameters: [],
        app_id: 'A0ORDERSTATUS',
        date_created: 1700000000,
        date_updated: 1700000000,
        date_deleted: 0,
      },
      inputs: options.inputs,
      function_execution_id: functionExecutionId,
      workflow_execution_id: options.workflowExecutionId ?? `Wx${functionExecutionId.slice(2)}`,
      event_ts: `${Date.now() / 1000}`,
      bot_access_token: token,
    },
  });
  const headers = signSlackRequest(app.signingSecret, body, undefined, 'application/json');
  const response = await fetch(new URL('/slack/events', app.url), { method: 'POST', headers, body });
  const text = await response.text();
  return { ack: { status: response.status, text }, functionExecutionId, token };
}
