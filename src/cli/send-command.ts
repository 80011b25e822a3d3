import { describeError } from '../describe/describe-error.ts';
import { describeSendWarning } from '../describe/describe-refusal.ts';
import { validateOrderStatus } from '../domain/order-status.ts';
import { ValidationError } from '../errors/validation-error.ts';
import { cliSurface } from './cli-surface.ts';
import type { CliCommand } from './command.ts';
import { prepareCsvSend } from './send-csv.ts';
import { renameIssues, requireOption } from './usage.ts';

const SEND_FLAGS: Record<string, string> = {
  to: '--to',
  referenceId: '--ref',
  status: '--status',
  description: '--description',
  templateName: '--template',
  languageCode: '--language',
};

/** `orderstatus send`: one update; prints the message_id, exit 0 only on WA202. */
export const sendCommand: CliCommand = {
  flags: ['team', 'to', 'ref', 'status', 'description', 'template', 'language', 'force', 'csv', 'dry-run'],
  sends: true,
  prepare(values, _action, io) {
    const team = requireOption(values, 'team');
    if (values.csv !== undefined) return prepareCsvSend(team, values, io);
    const result = validateOrderStatus({
      to: requireOption(values, 'to'),
      referenceId: requireOption(values, 'ref'),
      status: requireOption(values, 'status'),
      ...(values.description !== undefined ? { description: values.description } : {}),
      ...(values.template !== undefined ? { templateName: values.template } : {}),
      ...(values.language !== undefined ? { languageCode: values.language } : {}),
    });
    if (!result.ok) throw new ValidationError(renameIssues(result.issues, SEND_FLAGS));
    return async (services) => {
      const outcome = await services.orderStatus.sendOrderStatus({
        workspaceId: team,
        request: result.value,
        actor: { kind: 'cli' },
        force: values.force === true,
      });
      if (outcome.ok) {
        io.out(outcome.messageId);
        const surface = cliSurface({ team, sends: true });
        for (const warning of outcome.warnings ?? [])
          io.err(`warning: ${describeSendWarning(warning, surface)}`);
        return 0;
      }
      const description = describeError(outcome.error, cliSurface({ team, sends: true }));
      io.err(`error [${description.code}]: ${description.summary} ${description.nextStep}`);
      if (description.code === 'DUPLICATE') io.err('To send it anyway, repeat the command with --force.');
      return 1;
    };
  },
};
