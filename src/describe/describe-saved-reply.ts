import { PLACEHOLDER_MEANINGS, type Placeholder } from '../domain/saved-reply.ts';
import type { SavedReplyError } from '../errors/saved-reply-error.ts';
import type { ErrorDescription } from './error-description.ts';
import type { Surface } from './surface.ts';

/** Why a placeholder has no value, as the agent who tried to send reads it. */
const WHY_EMPTY: Record<Placeholder, string> = {
  name: 'WhatsApp gave no profile name for this customer',
  order: 'the customer’s message is not matched to an order',
  status: 'no order-status update was sent for this order',
  agent: 'the sender’s name could not be read',
};

/** A saved reply refused (saving, removing, filling it in for a send): what happened and what to do. */
export function describeSavedReplyError(error: SavedReplyError, surface: Surface): ErrorDescription {
  const { problem, workspaceId: team } = error;
  const sending = surface.attempt === 'send';
  const nothing = sending ? 'nothing was sent' : 'nothing was changed';
  const named = (name: string) => `“${surface.text(name)}”`;
  const manage = (action: string, cli: string) =>
    surface.commandStep(action, { slack: 'replies', cli: `replies ${cli}` });
  const base = { code: error.code, retryable: false };
  switch (problem.reason) {
    case 'exists': {
      const { name, savedBy, savedAt } = problem.existing;
      return {
        ...base,
        summary: `A saved reply named ${named(name)} already exists (saved by ${surface.actor(savedBy)} ${surface.time(savedAt.toISOString())}), so ${nothing}.`,
        nextStep: manage(
          'give it another name, or replace its text',
          `add --team ${team} --name … --text … --replace`,
        ),
      };
    }
    case 'full':
      return {
        ...base,
        summary: `${surface.workspace(team)} keeps ${problem.max} saved replies, the most it may (agents pick them from one list in Slack), so ${nothing}.`,
        nextStep: manage('remove one no longer used first', `remove --team ${team} --name …`),
      };
    case 'not_found':
      return {
        ...base,
        summary: `There is no saved reply named ${named(problem.name)}, so ${nothing}.`,
        nextStep: `It may have been removed or renamed. ${manage('list the saved replies', `list --team ${team}`)}`,
      };
    case 'unfilled': {
      const { placeholder } = problem;
      const shown = surface.literal(`{${placeholder}}`);
      return {
        ...base,
        summary: `The saved reply ${named(problem.name)} uses ${shown}, ${PLACEHOLDER_MEANINGS[placeholder]}, and there is none here (${WHY_EMPTY[placeholder]}), so ${nothing}.`,
        nextStep: `Write the reply yourself, or pick a saved reply without ${shown}.`,
      };
    }
    case 'too_long':
      return {
        ...base,
        summary: `Filled in, the saved reply ${named(problem.name)} is ${problem.length.toLocaleString('en')} characters, over WhatsApp’s ${problem.max.toLocaleString('en')} for a reply, so ${nothing}.`,
        nextStep: `Write a shorter reply yourself. ${manage('shorten the saved reply', `add --team ${team} --name … --text … --replace`)}`,
      };
    default:
      return {
        ...base,
        summary: `The saved reply ${named(problem.name)} cannot be sent as it was saved: ${surface.text(problem.issue)} So ${nothing}.`,
        nextStep: manage('save it again', `add --team ${team} --name … --text … --replace`),
      };
  }
}
