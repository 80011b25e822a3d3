import { type HistoryQueryResult, readHistoryQuery } from './history-query.ts';
import {
  type FieldIssues,
  LIMITS,
  normalisePhoneNumber,
  type OrderStatusRequest,
  validateOrderStatus,
  validPhoneNumber,
} from './order-status.ts';

/** The fields a one-liner could be read into, as typed (for prefilling the modal). */
export type CommandFields = {
  to?: string;
  referenceId?: string;
  status?: string;
  description?: string;
};

export type ParsedOrderStatusCommand =
  | { ok: true; request: OrderStatusRequest }
  | { ok: false; fields: CommandFields; issues: FieldIssues };

export type SlashCommand =
  | { kind: 'help' }
  | { kind: 'config' }
  | { kind: 'send'; request: OrderStatusRequest }
  /** `bulk`: send one update per row of a CSV file. */
  | { kind: 'bulk' }
  /** `history <reference or +number>`: the updates sent for an order or to a customer. */
  | { kind: 'history'; query: HistoryQueryResult }
  /** `optout …` (admins only): opt a customer out or back in, or list who opted out. */
  | { kind: 'optout'; request: OptOutCommand }
  /** `quality` (the account's state) or `quality resume` (bulk sends despite a flag), admins only. */
  | { kind: 'quality'; action: 'show' | 'resume' }
  /** Nothing, or an incomplete/invalid line: open the modal prefilled with what was read. */
  | { kind: 'modal'; fields: CommandFields; issues: FieldIssues };

/** `optout +91… [reason]` / `optout remove +91… [reason]` / `optout list`; `help` when the line says neither. */
export type OptOutCommand =
  | { action: 'add' | 'remove'; number: string; reason: string | undefined }
  | { action: 'list' }
  | { action: 'help'; issue: string | undefined };

/** An admin's reason for an opt-out is a line, not a page. */
export const OPT_OUT_REASON_MAX = 200;
const OPT_OUT_WORDS = new Set(['optout', 'opt-out']);
const REMOVE_WORDS = new Set(['remove', 'lift', 'delete', 'undo']);

// Slack clients turn straight quotes into typographic ones; accept both.
const QUOTE_PAIRS: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '«': '»' };
const PHONE_PIECE = /^[+\d()\-.]+$/;
// Longer than any reasonable line; keeps the work bounded on hostile input.
const MAX_INPUT = 4000;

/** Splits off the first whitespace-separated word; `rest` keeps the original spacing. */
function nextWord(text: string): { word: string; rest: string } | undefined {
  const start = text.length - text.trimStart().length;
  if (start === text.length) return undefined;
  let end = start;
  while (end < text.length && text.charAt(end).trim() !== '') end++;
  return { word: text.slice(start, end), rest: text.slice(end) };
}

function unquote(text: string): string {
  const trimmed = text.trim();
  const first = trimmed.charAt(0);
  const closing = QUOTE_PAIRS[first];
  if (closing !== undefined && trimmed.length >= 2 && trimmed.endsWith(closing)) {
    return trimmed.slice(1, -1).trim();
  }
  return trimmed;
}

/**
 * The ways the line can start with a phone number, which agents often type with spaces
 * (`+91 98765 43210`): the first word, then the first word joined with each further phone-looking
 * word (at most five), shortest first.
 */
function readPhones(text: string): { phone: string; rest: string }[] {
  const first = nextWord(text);
  if (!first) return [];
  const readings = [{ phone: first.word, rest: first.rest }];
  let candidate = first.word;
  let rest = first.rest;
  for (let i = 0; i < 5; i++) {
    const piece = nextWord(rest);
    if (!piece || !PHONE_PIECE.test(piece.word)) break;
    candidate = `${candidate} ${piece.word}`;
    rest = piece.rest;
    if (normalisePhoneNumber(candidate).length > 16) break;
    readings.push({ phone: candidate, rest });
  }
  return readings;
}

/** Reads the status, accepting the two-word spelling `partially shipped`. */
function readStatus(text: string): { status: string; rest: string } | undefined {
  const first = nextWord(text);
  if (!first) return undefined;
  if (first.word.toLowerCase() === 'partially') {
    const second = nextWord(first.rest);
    if (second && second.word.toLowerCase() === 'shipped') {
      return { status: `${first.word} ${second.word}`, rest: second.rest };
    }
  }
  return { status: first.word, rest: first.rest };
}

/**
 * Parses `<phone> <reference> <status> [description…]`. Never throws: any string gives either a
 * complete valid request or the fields it could read plus one issue per field.
 */
export function parseOrderStatusCommand(text: string): ParsedOrderStatusCommand {
  const whole = typeof text === 'string' ? text.trim() : '';
  const input = whole.slice(0, MAX_INPUT);
  // What lies past the cut was typed too: a line that long is never sent as if it ended there.
  const cut = whole.length > input.length;
  const readings = readPhones(input);
  const valid = readings.filter(
    (reading) => validPhoneNumber(normalisePhoneNumber(reading.phone)) !== undefined,
  );
  // Words are joined only until the whole line reads as a valid update: a number such as
  // `+43 664 1234 56` has a shorter valid prefix (`+43 664 1234`) that must not take its last digits.
  for (const reading of cut ? [] : valid) {
    const result = validateOrderStatus(readFields(reading));
    if (result.ok) return { ok: true, request: result.value };
  }
  const reading = valid[0] ?? readings[0];
  const fields = reading ? readFields(reading) : {};

  const result = validateOrderStatus(fields);
  if (result.ok && !cut) return { ok: true, request: result.value };
  const issues: FieldIssues = result.ok ? {} : { ...result.issues };
  if (cut) {
    issues.description ??= `The line is too long: the description can be at most ${LIMITS.description} characters.`;
  }
  // The schema says a missing field is not text; an agent needs to hear what to type.
  if (fields.to === undefined) issues.to = 'Add the customer’s WhatsApp number, e.g. +919876543210.';
  if (fields.referenceId === undefined) issues.referenceId = 'Add the order reference, e.g. 395001.';
  if (fields.status === undefined) {
    issues.status = 'Add a status: processing, partially_shipped, shipped, completed or canceled.';
  }
  return { ok: false, fields, issues };
}

/** Reads reference, status and description after the phone number. */
function readFields(phone: { phone: string; rest: string }): CommandFields {
  const fields: CommandFields = { to: phone.phone };
  const reference = nextWord(phone.rest);
  if (reference) fields.referenceId = reference.word;
  const status = reference ? readStatus(reference.rest) : undefined;
  if (status) fields.status = status.status;
  const description = status ? unquote(status.rest) : '';
  if (description !== '') fields.description = description;
  return fields;
}

/** Decides what `/orderstatus <text>` asks for. */
export function parseSlashCommand(text: string): SlashCommand {
  const input = typeof text === 'string' ? text.trim() : '';
  const keyword = input.toLowerCase();
  if (keyword === 'help' || keyword === '?' || keyword === '-h' || keyword === '--help')
    return { kind: 'help' };
  if (keyword === 'config' || keyword === 'settings' || keyword === 'setup') return { kind: 'config' };
  if (input === '') return { kind: 'modal', fields: {}, issues: {} };
  if (keyword === 'bulk' || keyword === 'csv') return { kind: 'bulk' };
  const first = nextWord(input);
  if (first && OPT_OUT_WORDS.has(first.word.toLowerCase())) {
    return { kind: 'optout', request: parseOptOut(first.rest) };
  }
  if (first?.word.toLowerCase() === 'quality') {
    return { kind: 'quality', action: first.rest.trim().toLowerCase() === 'resume' ? 'resume' : 'show' };
  }
  const history = historyQueryOf(input);
  if (history !== undefined) return { kind: 'history', query: readHistoryQuery(history) };
  const parsed = parseOrderStatusCommand(input);
  if (parsed.ok) return { kind: 'send', request: parsed.request };
  return { kind: 'modal', fields: parsed.fields, issues: parsed.issues };
}

/** `history <query>` (any case): the query's text, or undefined for a line that is not a history command. */
function historyQueryOf(input: string): string | undefined {
  if (input.slice(0, 7).toLowerCase() !== 'history') return undefined;
  const rest = input.slice(7);
  if (rest !== '' && rest.charAt(0).trim() !== '') return undefined;
  return rest.trim();
}

/** The words after `optout`: what to do, to which number, and why. */
function parseOptOut(text: string): OptOutCommand {
  const first = nextWord(text);
  if (!first) return { action: 'help', issue: undefined };
  const word = first.word.toLowerCase();
  if (word === 'list') return { action: 'list' };
  const action = REMOVE_WORDS.has(word) ? 'remove' : 'add';
  const rest = REMOVE_WORDS.has(word) || word === 'add' ? first.rest : text;
  // The longest reading that is a valid number: its last digits are not taken for the reason.
  const reading = readPhones(rest.slice(0, MAX_INPUT))
    .filter((r) => validPhoneNumber(normalisePhoneNumber(r.phone)) !== undefined)
    .at(-1);
  if (!reading) {
    return {
      action: 'help',
      issue: 'Give the customer’s WhatsApp number, starting with + and the country code.',
    };
  }
  const reason = reading.rest.trim().slice(0, OPT_OUT_REASON_MAX);
  return {
    action,
    number: validPhoneNumber(normalisePhoneNumber(reading.phone)) ?? reading.phone,
    reason: reason === '' ? undefined : reason,
  };
}
