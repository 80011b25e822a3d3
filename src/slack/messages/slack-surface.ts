import { PASS_IT_ON, type Surface } from '../../describe/surface.ts';
import { SLASH_COMMAND } from '../ids.ts';
import { codeWithin, escapeCode, escapeWithin, formatActor, formatSlackDate } from './mrkdwn.ts';

// Kaleyra's and Slack's ids are short; a longer one is not worth a 3000-character section.
const LITERAL_MAX = 100;
// Kaleyra's or Meta's own words (an error's title, a template's reason), as sent: enough to read them.
const OUTSIDE_TEXT_MAX = 500;

/** Descriptions as Slack shows them: mrkdwn, outside text escaped, times in each reader's time zone. */
export const SLACK_SURFACE: Surface = {
  workspace: () => 'This workspace',
  adminStep: (action) => `Ask a workspace admin to ${action} with \`${SLASH_COMMAND} config\`.`,
  commandStep: (action, command) =>
    `Ask a workspace admin to ${action} with \`${SLASH_COMMAND} ${escapeCode(command.slack)}\`.`,
  time: formatSlackDate,
  actor: formatActor,
  literal: (text) => `\`${codeWithin(text, LITERAL_MAX)}\``,
  text: (text) => escapeWithin(text, OUTSIDE_TEXT_MAX),
  attempt: 'send',
  operatorStep: PASS_IT_ON,
};
