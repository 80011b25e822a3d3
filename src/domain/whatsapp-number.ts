import { validPhoneNumber } from './order-status.ts';

/**
 * A customer's WhatsApp id (`wa_id`, a message's `from`: digits, no `+`) is not always the E.164 number
 * agents type and the workspace sends to (Meta's `/v1/contacts` reference answers each input number with
 * a `wa_id` of WhatsApp's own). Consent (opt-outs keyed by the number's hash), matching a message to an
 * order, the 24-hour window and history need the number agents type, so a wa_id is read as the numbers
 * it may stand for, and the incoming service keeps the one this workspace sent to.
 *
 * - Mexico: WhatsApp reports mobiles as `52 1` + 10 digits, a `1` Mexico no longer dials;
 *   libphonenumber holds `+52 1…` invalid, so agents can only have typed `+52` + 10 digits. Sources:
 *   google/libphonenumber pull 2693 (MX dialling tokens removed), chatwoot/chatwoot pull 14174 and
 *   issue 14048 (`+521…` arriving for contacts stored as `+52…`), mgp25/Chat-API issue 538.
 * - Brazil: accounts older than the mobile ninth digit keep an id without it (`55 11 8765 4321` for
 *   `+55 11 98765 4321`). Only old mobile ranges (6–9) gained the 9; a subscriber starting 2–5 is a
 *   landline, never aliased. Without the 9, `+55 DD 7…` is still valid by libphonenumber, so either may
 *   have been typed. Sources: chatwoot/chatwoot issue 5840 and pull 6222 (match the contact stored with
 *   or without the 9), wwebjs/whatsapp-web.js issue 596.
 * - Argentina: ids of mobiles carry the international mobile `9` (`54 9` + 10 digits), as libphonenumber
 *   writes mobiles; agents may type `+54 9…` or `+54…` (both valid by libphonenumber). A `54…` id is never
 *   read as `549…`: that is a landline, another subscriber (chatwoot/chatwoot argentina_phone_normalizer.rb).
 */

type Alias = { pattern: RegExp; numbers: (match: RegExpExecArray) => string[] };

const ALIASES: readonly Alias[] = [
  { pattern: /^521(\d{10})$/, numbers: ([, rest]) => [`+52${rest}`] },
  {
    pattern: /^55([1-9]{2})9?([6-9]\d{7})$/,
    numbers: ([, area, subscriber]) => [`+55${area}9${subscriber}`, `+55${area}${subscriber}`],
  },
  { pattern: /^549(\d{10})$/, numbers: ([, rest]) => [`+549${rest}`, `+54${rest}`] },
];

/**
 * The E.164 numbers a WhatsApp id may stand for, the likeliest first (the one to keep when the
 * workspace sent to none of them), each valid by libphonenumber; the id itself with `+` when no rule
 * applies or none of a rule's numbers is valid. `waId`: digits, with or without a leading `+`.
 */
export function numbersOfWhatsAppId(waId: string): string[] {
  const digits = waId.startsWith('+') ? waId.slice(1) : waId;
  const own = `+${digits}`;
  for (const alias of ALIASES) {
    const match = alias.pattern.exec(digits);
    if (!match) continue;
    const valid = alias.numbers(match).filter((number) => validPhoneNumber(number) === number);
    return valid.length > 0 ? [...new Set(valid)] : [own];
  }
  return [own];
}

/** Of a wa_id's numbers, the one the workspace sent to (`sentTo` names it, if any), else the likeliest. */
export function chooseNumber(numbers: readonly string[], sentTo: string | undefined): string {
  const first = numbers[0];
  if (first === undefined) throw new RangeError('chooseNumber: no numbers to choose from');
  return sentTo !== undefined && numbers.includes(sentTo) ? sentTo : first;
}
