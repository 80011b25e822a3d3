import type { Logger } from '../../../logger.ts';
import type { Consent } from '../../../services/consent.ts';
import { asAdmin } from '../../account/admin-gate.ts';
import { buildOptOutChanged, buildOptOutHelp, buildOptOutList } from '../../messages/consent-messages.ts';
import type { SubcommandHandlers } from './orderstatus-command.ts';

/**
 * `/orderstatus optout +91… [reason]`, `optout remove +91… [reason]`, `optout list`: admins only,
 * answered to the asker; every change journaled with their user id.
 */
export function createOptOutCommand(deps: {
  consent: Pick<Consent, 'change' | 'list'>;
  logger: Logger;
}): SubcommandHandlers['optout'] {
  return async ({ ack, respond, client, command, context }, { request }, workspaceId) => {
    if (request.action === 'help') {
      await ack({ response_type: 'ephemeral', ...buildOptOutHelp(request.issue) });
      return;
    }
    await ack();
    const userId = command.user_id;
    const answer = await asAdmin(
      { client, userId, context, logger: deps.logger, what: 'see or change who opted out' },
      async () => {
        if (request.action === 'list') {
          const { total, entries } = await deps.consent.list(workspaceId);
          return buildOptOutList(total, entries);
        }
        const done = await deps.consent.change({
          workspaceId,
          number: request.number,
          action: request.action === 'add' ? 'opt_out' : 'opt_in',
          by: userId,
          reason: request.reason,
        });
        deps.logger.info(
          { workspace: workspaceId, user: userId, action: request.action, changed: done.changed },
          'opt-out changed by an admin',
        );
        return buildOptOutChanged({ action: request.action, ...done, by: userId });
      },
    );
    await respond({ response_type: 'ephemeral', ...answer });
  };
}
