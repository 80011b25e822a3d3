import * as v from 'valibot';
import type { OrderStatus } from './order-status.ts';

/**
 * How the payload spells partially shipped. Kaleyra's page and every request example write
 * `partially_shipped`; Meta's status tables write `partially-shipped` (the shared document
 * kaleyra-whatsapp-payments-and-media.md §4), and Kaleyra passes Meta's object through. A workspace whose
 * partially-shipped updates Meta refuses may switch. Only the wire changes: Slack, the CLI, the journal
 * and history keep `partially_shipped`, so people read one spelling whatever this is.
 */
export const STATUS_SPELLINGS = ['kaleyra', 'meta'] as const;
export type StatusSpelling = (typeof STATUS_SPELLINGS)[number];
export const DEFAULT_STATUS_SPELLING: StatusSpelling = 'kaleyra';

/** A status as the payload spells it. */
export type WireStatus = OrderStatus | 'partially-shipped';

/** The partially-shipped word each spelling puts on the wire (the others are spelled alike). */
export const PARTIALLY_SHIPPED_ON_THE_WIRE = {
  kaleyra: 'partially_shipped',
  meta: 'partially-shipped',
} as const satisfies Record<StatusSpelling, WireStatus>;

/** `status` as the payload carries it under `spelling`. */
export function wireStatus(
  status: OrderStatus,
  spelling: StatusSpelling = DEFAULT_STATUS_SPELLING,
): WireStatus {
  return status === 'partially_shipped' ? PARTIALLY_SHIPPED_ON_THE_WIRE[spelling] : status;
}

/** Whether a word that went on the wire is one of the partially-shipped spellings. */
export function isPartiallyShippedOnTheWire(word: string | undefined): boolean {
  return Object.values(PARTIALLY_SHIPPED_ON_THE_WIRE).some((spelled) => spelled === word);
}

/** The spelling whose partially-shipped word this is not (the one to try when this one is refused). */
export function otherSpelling(spelling: StatusSpelling): StatusSpelling {
  return spelling === 'kaleyra' ? 'meta' : 'kaleyra';
}

/** Which spelling put `word` on the wire, when it is a partially-shipped one. */
export function spellingOf(word: string | undefined): StatusSpelling | undefined {
  return STATUS_SPELLINGS.find((spelling) => PARTIALLY_SHIPPED_ON_THE_WIRE[spelling] === word);
}

/**
 * The setting in words, the same in Slack and a terminal: `kaleyra (partially shipped goes out as
 * partially_shipped; the default)`. `literal` formats the wire word for the surface (Slack: as code).
 */
export function describeStatusSpelling(
  spelling: StatusSpelling | undefined,
  literal: (word: string) => string = (word) => word,
): string {
  const chosen = spelling ?? DEFAULT_STATUS_SPELLING;
  const standing = chosen === DEFAULT_STATUS_SPELLING ? 'Kaleyra’s spelling, the default' : 'Meta’s spelling';
  return `${chosen} (partially shipped goes out as ${literal(PARTIALLY_SHIPPED_ON_THE_WIRE[chosen])}: ${standing})`;
}

export const StatusSpellingSchema = v.pipe(
  v.string('Choose the status spelling.'),
  v.transform((value) => value.trim().toLowerCase()),
  v.picklist(
    STATUS_SPELLINGS,
    'The status spelling is kaleyra (partially_shipped, the default) or meta (partially-shipped).',
  ),
);
