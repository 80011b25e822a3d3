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
import type { OrderTemplate } from '../../kaleyra/templates-client.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { SEND_FIELDS, SEND_MODAL_CALLBACK, TEMPLATE_PICK } from '../ids.ts';
import { codeWithin, cutMrkdwn, escapeWithin, truncate } from '../messages/mrkdwn.ts';
import { buildFieldErrors, labelledInputs, type ViewErrorsResponse } from './inputs.ts';
import { buildSendModalMetadata } from './send-modal-metadata.ts';
import { buildTemplatePickInput } from './template-picker.ts';

export { FIELD_ERROR_MAX } from './inputs.ts';
export { readSendModalMetadata, type SendModalMetadata } from './send-modal-metadata.ts';

/** Input lengths the modal enforces; Slack rejects a view whose initial_value is longer. */
export const SEND_MODAL_MAX_LENGTHS = {
  // Room for the spaces and dashes agents type inside numbers (`+91 98765-43210`).
  to: 32,
  referenceId: LIMITS.referenceId,
  description: LIMITS.description,
  templateName: LIMITS.templateName,
  languageCode: 16,
} as const;

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

const inputs = labelledInputs(SEND_FIELDS, FIELD_LABELS);

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
  /**
   * How the template is chosen: picked from Kaleyra's list (name and language at once), or typed, with
   * why there is no list when one was looked for. Typed when absent.
   */
  template?: TemplateField;
  /** Opened from a message (the shortcut): the outcome goes in its thread, and the form says what it found. */
  fromMessage?: { threadTs: string; found: { to: boolean; referenceId: boolean } };
  /** Why the form opened instead of something else (mrkdwn, already escaped), shown at the top. */
  notice?: string;
  /** Post the outcome in this thread (without `fromMessage`: a reply whose window had closed). */
  threadTs?: string;
};

export type TemplateField = { kind: 'pick'; default: OrderTemplate } | { kind: 'type'; why?: string };

const TEMPLATE_HINT = 'The approved WhatsApp order-status template. Leave blank for the workspace default.';

export function buildSendModal(input: SendModalInput): ModalView {
  const { fields, defaults } = input;
  const { to, reference, description, notes } = prefillTyped(fields);

  const blocks: KnownBlock[] = [];
  if (input.notice) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: cutMrkdwn(input.notice, SLACK_LIMITS.contextText) }],
    });
  }
  if (input.fromMessage) blocks.push(buildFoundContext(input.fromMessage.found));
  const notice = buildIssuesContext(input.issues ?? {}, notes);
  if (notice) blocks.push(notice);

  blocks.push(
    inputs.text('to', {
      value: to.value,
      maxLength: SEND_MODAL_MAX_LENGTHS.to,
      placeholder: '+919876543210',
      hint: 'Start with + and the country code (+91 for India, +65 for Singapore). Spaces are fine.',
    }),
    inputs.text('referenceId', {
      value: reference.value,
      maxLength: SEND_MODAL_MAX_LENGTHS.referenceId,
      placeholder: '395001',
      hint: `Up to ${LIMITS.referenceId} letters, digits, _ - or .`,
    }),
    statusInput(fields.status),
    inputs.text('description', {
      value: description.value,
      maxLength: SEND_MODAL_MAX_LENGTHS.description,
      placeholder: 'Your parcel left our warehouse',
      hint: `Optional. Shown to the customer under the status, up to ${LIMITS.description} characters.`,
      optional: true,
    }),
    ...templateInputs(input.template ?? { kind: 'type' }, defaults),
  );

  return {
    type: 'modal',
    callback_id: SEND_MODAL_CALLBACK,
    title: { type: 'plain_text', text: 'Order status update' },
    submit: { type: 'plain_text', text: 'Send on WhatsApp' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: buildSendModalMetadata({
      channelId: input.channelId,
      responseUrl: input.responseUrl,
      threadTs: input.fromMessage?.threadTs ?? input.threadTs,
    }),
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
      `The order reference you typed (\`${codeWithin(reference.dropped, 60)}\`) is longer than ${LIMITS.referenceId} characters, so it was left out: enter it again.`,
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

/** The template inputs: the picker, or the name and language typed (with why there is no list). */
function templateInputs(template: TemplateField, defaults: SendModalInput['defaults']): InputBlock[] {
  if (template.kind === 'pick') return [buildTemplatePickInput(template.default)];
  const templateName = prefill(defaults.templateName, SEND_MODAL_MAX_LENGTHS.templateName);
  const languageCode = prefill(defaults.languageCode, SEND_MODAL_MAX_LENGTHS.languageCode);
  return [
    inputs.text('templateName', {
      value: templateName.value,
      maxLength: SEND_MODAL_MAX_LENGTHS.templateName,
      placeholder: 'order_status',
      hint: template.why ? `${template.why} ${TEMPLATE_HINT}` : TEMPLATE_HINT,
      optional: true,
    }),
    inputs.text('languageCode', {
      value: languageCode.value,
      maxLength: SEND_MODAL_MAX_LENGTHS.languageCode,
      placeholder: 'en',
      hint: 'The template’s WhatsApp language code, e.g. en or en_US. Leave blank for the workspace default.',
      optional: true,
    }),
  ];
}

/** What the shortcut found in the message, so the agent knows what to check and what to enter. */
function buildFoundContext(found: { to: boolean; referenceId: boolean }): ContextBlock {
  const parts = [
    found.to ? 'the customer’s number' : undefined,
    found.referenceId ? 'the order reference' : undefined,
  ].filter((part): part is string => part !== undefined);
  const text =
    parts.length > 0
      ? `:mag: Filled in from the message: ${parts.join(' and ')}. Check ${parts.length > 1 ? 'them' : 'it'} before sending; the outcome is posted in the message’s thread.`
      : ':mag: No customer number or order reference could be read from the message: enter them. The outcome is posted in the message’s thread.';
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

/**
 * Field errors for the send modal. Submitted with the picker (`picked`), template and language
 * errors go under the picker: the two inputs are not in that form.
 */
export function buildSendModalErrors(
  issues: FieldIssues,
  options: { picked?: boolean } = {},
): ViewErrorsResponse {
  if (!options.picked) return buildFieldErrors(SEND_FIELDS, issues);
  const picker = { ...SEND_FIELDS, templateName: TEMPLATE_PICK, languageCode: TEMPLATE_PICK };
  const combined = { ...issues };
  if (issues.languageCode && !issues.templateName) combined.templateName = issues.languageCode;
  delete combined.languageCode;
  return buildFieldErrors(picker, combined);
}

function buildIssuesContext(issues: FieldIssues, notes: readonly string[]): ContextBlock | undefined {
  const lines: string[] = [];
  for (const field of Object.keys(FIELD_LABELS) as OrderStatusField[]) {
    const message = issues[field];
    if (typeof message === 'string' && message.trim() !== '') {
      lines.push(`• *${FIELD_LABELS[field]}:* ${escapeWithin(message.trim(), 300)}`);
    }
  }
  for (const note of notes) lines.push(`• ${note}`);
  if (lines.length === 0) return undefined;
  const text = `:pencil2: *Some details need a look before this can be sent:*\n${lines.join('\n')}`;
  return { type: 'context', elements: [{ type: 'mrkdwn', text: cutMrkdwn(text, SLACK_LIMITS.contextText) }] };
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

function statusInput(typed: string | undefined): InputBlock {
  return inputs.select('status', {
    placeholder: 'Choose a status',
    choices: ORDER_STATUSES.map((status) => ({ value: status, label: STATUS_LABELS[status] })),
    initial: typeof typed === 'string' ? normaliseStatus(typed) : undefined,
  });
}
