import {
  otherSpelling,
  PARTIALLY_SHIPPED_ON_THE_WIRE,
  STATUS_SPELLINGS,
  spellingOf,
} from '../domain/status-spelling.ts';
import type { Surface } from './surface.ts';

/**
 * Meta's parameter errors on a failed status (the callbacks document's table): a status word Meta does
 * not take comes back as one of these.
 */
export const META_PARAMETER_CODES: ReadonlySet<string> = new Set(['100', '131008', '131009', '132012']);

/**
 * What to do when a partially-shipped update is refused over a parameter: Kaleyra's page and Meta's
 * status table spell that status differently, and the workspace's status spelling setting picks the one
 * sent. `sent`: the word that went on the wire, when the refusal says (Kaleyra's own answer); a delivery
 * report does not, so both are named.
 */
export function statusSpellingStep(surface: Surface, sent?: string): string {
  const { kaleyra, meta } = PARTIALLY_SHIPPED_ON_THE_WIRE;
  const spelling = spellingOf(sent);
  const target = spelling ? otherSpelling(spelling) : STATUS_SPELLINGS.join('|');
  const what = spelling
    ? `It went out as ${surface.literal(PARTIALLY_SHIPPED_ON_THE_WIRE[spelling])} (the ${spelling} status spelling); ${spelling === 'kaleyra' ? 'Meta’s status table' : 'Kaleyra’s page'} spells it ${surface.literal(PARTIALLY_SHIPPED_ON_THE_WIRE[otherSpelling(spelling)])}.`
    : `Kaleyra’s page spells partially shipped ${surface.literal(kaleyra)}, Meta’s status table ${surface.literal(meta)}; the workspace’s status spelling setting (kaleyra or meta) picks the one sent.`;
  const step = surface.commandStep(
    spelling ? `switch the status spelling to ${target}` : 'switch the status spelling to the other one',
    { slack: 'config', cli: `credentials set --team T … --status-spelling ${target}` },
  );
  return `${what} ${step.replace(/([^.])$/, '$1.')} Then send the update again.`;
}
