import { describeError } from '../describe/describe-error.ts';
import { readHistoryNumber } from '../domain/history-query.ts';
import { validateReplyText } from '../domain/session-text.ts';
import { ValidationError } from '../errors/validation-error.ts';
import { cliSurface } from './cli-surface.ts';
import type { CliCommand } from './command.ts';
import { requireOption, UsageError } from './usage.ts';

/**
 * `orderstatus reply --team T --to +… --text TEXT|-`: a free-form WhatsApp reply (a session text) to a
 * customer who wrote in the last 24 hours; prints the message_id, exit 0 only on WA202. `--text -`
 * reads the text from stdin (several lines, or more than a shell line holds).
 */
export const replyCommand: CliCommand = {
  flags: ['team', 'to', 'text'],
  sends: true,
  prepare(values, _action, io) {
    const team = requireOption(values, 'team');
    const number = readHistoryNumber(requireOption(values, 'to'));
    if (!number.ok) throw new ValidationError({ '--to': number.issue });
    if (values.text === undefined) throw new UsageError('--text is required (--text - reads it from stdin)');
    const typed = validateReplyText(values.text === '-' ? io.readStdin() : values.text);
    if (!typed.ok) throw new ValidationError({ '--text': typed.issue });
    const to = number.query.by === 'number' ? number.query.to : '';
    return async (services) => {
      const result = await services.sessionText.replyToNumber({
        workspaceId: team,
        to,
        text: typed.text,
        actor: { kind: 'cli' },
      });
      if (result.ok) {
        io.out(result.messageId);
        return 0;
      }
      const description = describeError(result.error, cliSurface({ team, sends: true }));
      io.err(`error [${description.code}]: ${description.summary} ${description.nextStep}`);
      return 1;
    };
  },
};
