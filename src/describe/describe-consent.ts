import { maskPhoneNumber } from '../domain/mask-phone.ts';
import type { AccountHealthView } from '../storage/account-health-store.ts';
import type { OptOutEntry } from '../storage/consent-store.ts';
import type { Surface } from './surface.ts';

/**
 * The consent and quality words admins read, once for every surface: an opted-out number in the list,
 * and the account's state (template, number quality and limit, since when) on App Home, in
 * `/orderstatus quality` and in `orderstatus quality show`.
 */

/** `+91 •••• 3210 since <when>: the customer sent “STOP”` (or the admin and their reason). */
export function describeOptOutEntry(entry: OptOutEntry, surface: Surface): string {
  const by =
    entry.changedBy === 'customer'
      ? `the customer sent “${surface.text(entry.reason)}”`
      : `${surface.actor(entry.changedBy)}: ${surface.text(entry.reason)}`;
  return `${entry.customerMasked} since ${surface.time(entry.since.toISOString())}: ${by}`;
}

/**
 * An admin's opt-out or opt-in made before the number's newest consent change (a customer's word
 * stamped a little ahead of our clock): `+91 •••• 3210: nothing changed (noted in the journal): …`.
 */
export function describeOvertakenChange(
  input: { customerMasked: string; decidedBy: { at: Date; by: string } },
  surface: Surface,
): string {
  const { at, by } = input.decidedBy;
  const whose = by === 'customer' ? 'the customer’s own word' : `a change by ${surface.actor(by)}`;
  return `${input.customerMasked}: nothing changed (noted in the journal): ${whose} of ${surface.time(at.toISOString())} is newer than this and decides.`;
}

/** The template's state that decides its sends in `language`: a stop in it, or one naming no language. */
function stateFor(templates: AccountHealthView['templates'], name: string, language: string) {
  const own = templates.filter((t) => t.name === name && (t.language === language || t.language === ''));
  return own.find((t) => t.blocked) ?? own.find((t) => t.language === language) ?? own[0];
}

/** `order_status` in `en` (no language when the event named none). */
function templateLabel(surface: Surface, name: string, language: string): string {
  return language ? `${surface.literal(name)} in ${surface.literal(language)}` : surface.literal(name);
}

/**
 * How many opted out, then one line for the default template, others Meta stopped, the number, and
 * Meta's events that came after a newer one (recorded, they changed nothing).
 */
export function describeAccountHealth(
  view: AccountHealthView & {
    credentials: { templateName: string; languageCode?: string; businessNumber: string };
  },
  optedOut: number,
  surface: Surface,
): string[] {
  const { templateName, businessNumber } = view.credentials;
  const languageCode = view.credentials.languageCode ?? '';
  const since = (date: Date) => surface.time(date.toISOString());
  const lines = [
    `Opted-out customers: ${optedOut} (nothing is sent to them until they send START or an admin lifts it).`,
  ];
  const current = stateFor(view.templates, templateName, languageCode);
  const name = templateLabel(surface, templateName, languageCode);
  if (!current) {
    lines.push(`Template ${name} (the default): no word from Meta yet, so sends with it go.`);
  } else if (current.blocked) {
    const reason = current.reason ? `; reason: ${surface.text(current.reason)}` : '';
    lines.push(
      `Template ${name} (the default): stopped by Meta (${surface.literal(current.event)} since ${since(current.since)}${reason}): sends with it are refused.`,
    );
  } else {
    lines.push(
      `Template ${name} (the default): ${surface.literal(current.event)} since ${since(current.since)}: sends with it go.`,
    );
  }
  for (const other of view.templates.filter((t) => t.blocked && t !== current)) {
    lines.push(
      `Template ${templateLabel(surface, other.name, other.language)}: stopped by Meta (${surface.literal(other.event)} since ${since(other.since)}).`,
    );
  }
  lines.push(...describeNumber(view.number, businessNumber, surface));
  for (const late of view.events.filter((e) => !e.applied)) {
    const subject =
      late.kind === 'template'
        ? `the template ${templateLabel(surface, late.subject, late.language)}`
        : `the number ${maskPhoneNumber(late.subject)}`;
    lines.push(
      `Meta’s ${surface.literal(late.event)} for ${subject} (of ${since(late.at)}, received ${since(late.receivedAt)}) came after a newer event: recorded, it changed nothing.`,
    );
  }
  return lines;
}

function describeNumber(
  quality: AccountHealthView['number'],
  businessNumber: string,
  surface: Surface,
): string[] {
  const since = (date: Date) => surface.time(date.toISOString());
  const number = maskPhoneNumber(businessNumber);
  const lines: string[] = [];
  if (!quality) {
    lines.push(`Business number ${number}: no quality word from Meta yet.`);
    return lines;
  }
  const limit = quality.currentLimit ? `, messaging limit ${surface.literal(quality.currentLimit)}` : '';
  const state = `${surface.literal(quality.event)} since ${since(quality.since)}${limit}`;
  if (!quality.flagged) {
    lines.push(`Business number ${number}: quality not flagged (${state}).`);
  } else if (quality.override) {
    lines.push(
      `Business number ${number}: quality flagged (${state}); bulk sends resumed deliberately by ${surface.actor(quality.override.by)} ${since(quality.override.at)}.`,
    );
  } else {
    lines.push(
      `Business number ${number}: quality flagged (${state}): bulk sends are paused, single updates go with a warning.`,
    );
  }
  return lines;
}
