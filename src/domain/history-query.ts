import * as v from 'valibot';
import { ReferenceIdSchema, readCustomerNumber } from './order-status.ts';

/** Whose history to list: one order's updates, or every update sent to one customer number. */
export type HistoryQuery = { by: 'reference'; referenceId: string } | { by: 'number'; to: string };

export type HistoryQueryResult = { ok: true; query: HistoryQuery } | { ok: false; issue: string };

const ASK = 'Give an order reference (e.g. 395001) or a customer number with + and the country code.';

/**
 * `history <reference or +number>`: text that starts with `+` (or is all phone-number characters) is a
 * customer number, in the canonical form sends use; anything else is an order reference.
 */
export function readHistoryQuery(text: string): HistoryQueryResult {
  const input = typeof text === 'string' ? text.trim() : '';
  if (input === '') return { ok: false, issue: ASK };
  if (input.startsWith('+')) return readNumber(input);
  return readReference(input);
}

/** `--to +91…` (CLI): a customer number only. */
export function readHistoryNumber(text: string): HistoryQueryResult {
  return readNumber(text.trim());
}

/** `--ref R` (CLI): an order reference only. */
export function readHistoryReference(text: string): HistoryQueryResult {
  return readReference(text.trim());
}

function readNumber(input: string): HistoryQueryResult {
  const read = readCustomerNumber(input);
  return read.ok ? { ok: true, query: { by: 'number', to: read.number } } : read;
}

function readReference(input: string): HistoryQueryResult {
  const parsed = v.safeParse(ReferenceIdSchema, input);
  if (!parsed.success) return { ok: false, issue: `${parsed.issues[0].message} ${ASK}` };
  return { ok: true, query: { by: 'reference', referenceId: parsed.output } };
}
