import type { ContextBlock, InputBlock, KnownBlock, ModalView } from '@slack/types';
import {
  type FieldIssues,
  LIMITS,
  normaliseStatus,
  ORDER_STATUSES,
  type OrderStatusField,
  STATUS_LABELS,
} from '../../domain/order-status.ts';
import type { CommandFields } from '../../domain/parse-command.ts';
import { SEND_FIELDS, SEND_MODAL_CALLBACK } from '../ids.ts';
import { escapeCode, escapeMrkdwn, truncate } from '../messages/mrkdwn.ts';
import {
  buildFieldErrors,
  buildSelectInput,
  buildTextInput,
  type TextInputOptions,
  type ViewErrorsResponse,
} from './inputs.ts';

export { FIELD_ERROR_MAX } from './inputs.ts';

/** Input lengths the modal enforces; Slack rejects a view whose initial_value is longer. */
export const SEND_MODAL_MAX_LENGTHS = {
  // Room for the spaces and dashes agents type inside numbers (`+91 98765-43210`).
  to: 32,
  referenceId: LIMITS.referenceId,
  description: LIMITS.description,
  templateName: LIMITS.templateName,
  languageCode: 16,
} as const;

const PRIVATE_METADATA_MAX = 3000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
const LINE_BREAKS_AND_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

const FIELD_LABELS: Record<OrderStatusField, string> = {
  to: 'Customer WhatsApp number',
  referenceId: 'Order reference',
  status: 'Status',
  description: 'Description',
  templateName: 'Template name',
  languageCode: 'Template language',
};

export type SendModalInput = {
  /** What the one-liner contained, as typed. */
  fields: CommandFields;
  /** The workspace's defaults, prefilled so the agent sees what will be used. */
  defaults: { templateName: string; languageCode: string };
  /** Where the outcome is posted; with responseUrl, the only things carried in private_metadata. */
  channelId: string;
  /** The slash command's response_url: posts into any channel, member or not, for 30 minutes. */
  responseUrl?: string;
  /** Why the one-liner could not be sent as it was, shown at the top of the modal. */
  issues?: FieldIssues;
};

export type SendModalMetadata = { channelId?: string; responseUrl?: string };

export function buildSendModal(input: SendModalInput): ModalView {
  const { fields, defaults } = input;
  const { to, reference, description, notes } = prefillTyped(fields);
  const templateName = prefill(defaults.templateName, SEND_MODAL_MAX_LENGTHS.templateName);
  const languageCode = prefill(defaults.languageCode, SEND_MODAL_MAX_LENGTHS.languageCode);

  const blocks: KnownBlock[] = [];
  const notice = buildIssuesContext(input.issues ?? {}, notes);
  if (notice) blocks.push(notice);

  blocks.push(
    textInput('to', {
      value: to.value,
      maxLength: SEND_MODAL_MAX_LENGTHS.to,
      placeholder: '+919876543210',
      hint: 'Start with + and the country code (+91 for India, +65 for Singapore). Spaces are fine.',
    }),
    textInput('referenceId', {
      value: reference.value,
      maxLength: SEND_MODAL_MAX_LENGTHS.referenceId,
      placeholder: '395001',
      hint: `Up to ${LIMITS.referenceId} letters, digits, _ - or .`,
    }),
    statusInput(fields.status),
    textInput('description', {
      value: description.value,
      maxLength: SEND_MODAL_MAX_LENGTHS.description,
      placeholder: 'Your parcel left our warehouse',
      hint: `Optional. Shown to the customer under the status, up to ${LIMITS.description} characters.`,
      optional: true,
    }),
    textInput('templateName', {
      value: templateName.value,
      maxLength: SEND_MODAL_MAX_LENGTHS.templateName,
      placeholder: 'order_status',
      hint: 'The approved WhatsApp order-status template. Leave blank for the workspace default.',
      optional: true,
    }),
    textInput('languageCode', {
      value: languageCode.value,
      maxLength: SEND_MODAL_MAX_LENGTHS.languageCode,
      placeholder: 'en',
      hint: 'The template’s WhatsApp language code, e.g. en or en_US. Leave blank for the workspace default.',
      optional: true,
    }),
  );

  return {
    type: 'modal',
    callback_id: SEND_MODAL_CALLBACK,
    title: { type: 'plain_text', text: 'Order status update' },
    submit: { type: 'plain_text', text: 'Send on WhatsApp' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: buildSendModalMetadata(input.channelId, input.responseUrl),
    blocks,
  };
}

/** What the agent typed, as far as it fits the inputs, and a note for each thing left out or cut. */
function prefillTyped(fields: CommandFields) {
  const notes: string[] = [];
  const to = prefill(fields.to, SEND_MODAL_MAX_LENGTHS.to);
  if (to.dropped) notes.push('The number you typed is too long to be a phone number, so it was left out.');

  // A cut reference would name a different order, so a too-long one is left out, never shortened.
  const reference = prefill(fields.referenceId, SEND_MODAL_MAX_LENGTHS.referenceId);
  if (reference.dropped) {
    notes.push(
      `The order reference you typed (\`${escapeCode(truncate(reference.dropped, 60))}\`) is longer than ${LIMITS.referenceId} characters, so it was left out: enter it again.`,
    );
  }

  // A description is the agent's own sentence: keeping most of it and saying so saves retyping it.
  const description = prefillDescription(fields.description);
  if (description.cut) {
    notes.push(
      `The description was cut to ${LIMITS.description} characters (WhatsApp’s limit): check its end before sending.`,
    );
  }
  return { to, reference, description, notes };
}

/** Field errors for the send modal. */
export function buildSendModalErrors(issues: FieldIssues): ViewErrorsResponse {
  return buildFieldErrors(SEND_FIELDS, issues);
}

/** Reads the send modal's private_metadata; never throws. The workspace is never taken from here. */
export function readSendModalMetadata(privateMetadata: unknown): SendModalMetadata {
  if (typeof privateMetadata !== 'string' || privateMetadata === '') return {};
  try {
    const parsed: unknown = JSON.parse(privateMetadata);
    if (typeof parsed !== 'object' || parsed === null || !Object.hasOwn(parsed, 'channelId')) return {};
    const { channelId, responseUrl } = parsed as { channelId?: unknown; responseUrl?: unknown };
    const metadata: SendModalMetadata = {};
    if (typeof channelId === 'string' && channelId !== '') metadata.channelId = channelId;
    if (typeof responseUrl === 'string' && /^https?:\/\//.test(responseUrl))
      metadata.responseUrl = responseUrl;
    return metadata;
  } catch {
    return {};
  }
}

function buildSendModalMetadata(channelId: string, responseUrl?: string): string {
  const json = JSON.stringify(responseUrl ? { channelId, responseUrl } : { channelId });
  // Slack refuses the whole view over 3000 characters; a modal without a channel can still reply by DM.
  return json.length <= PRIVATE_METADATA_MAX ? json : '{}';
}

function buildIssuesContext(issues: FieldIssues, notes: readonly string[]): ContextBlock | undefined {
  const lines: string[] = [];
  for (const field of Object.keys(FIELD_LABELS) as OrderStatusField[]) {
    const message = issues[field];
    if (typeof message === 'string' && message.trim() !== '') {
      lines.push(`• *${FIELD_LABELS[field]}:* ${escapeMrkdwn(truncate(message.trim(), 300))}`);
    }
  }
  for (const note of notes) lines.push(`• ${note}`);
  if (lines.length === 0) return undefined;
  const text = `:pencil2: *Some details need a look before this can be sent:*\n${lines.join('\n')}`;
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] };
}

type Prefill = { value: string | undefined; dropped?: string };

function prefill(raw: string | undefined, maxLength: number): Prefill {
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (value === '') return { value: undefined };
  if (value.length > maxLength) return { value: undefined, dropped: value };
  return { value };
}

function prefillDescription(raw: string | undefined): { value: string | undefined; cut: boolean } {
  // The input is single-line: line breaks typed in Slack become spaces rather than a rejected view.
  const value = typeof raw === 'string' ? raw.replace(LINE_BREAKS_AND_CONTROLS, ' ').trim() : '';
  if (value === '') return { value: undefined, cut: false };
  if (value.length <= LIMITS.description) return { value, cut: false };
  return { value: truncate(value, LIMITS.description), cut: true };
}

function textInput(
  field: Exclude<OrderStatusField, 'status'>,
  options: Omit<TextInputOptions, 'ids' | 'label'>,
): InputBlock {
  return buildTextInput({ ids: SEND_FIELDS[field], label: FIELD_LABELS[field], ...options });
}

function statusInput(typed: string | undefined): InputBlock {
  return buildSelectInput({
    ids: SEND_FIELDS.status,
    label: FIELD_LABELS.status,
    placeholder: 'Choose a status',
    choices: ORDER_STATUSES.map((status) => ({ value: status, label: STATUS_LABELS[status] })),
    initial: typeof typed === 'string' ? normaliseStatus(typed) : undefined,
  });
}
