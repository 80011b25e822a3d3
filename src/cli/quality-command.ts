import { describeAccountHealth } from '../describe/describe-consent.ts';
import { cliSurface } from './cli-surface.ts';
import type { CliCommand } from './command.ts';
import { requireOption, UsageError } from './usage.ts';

/**
 * `orderstatus quality show --team T`: what Meta last said about the template and the number (and
 * since when), and how many opted out; `quality resume --team T`: bulk sends go again although the
 * number is flagged, deliberately (journaled as made by the CLI) until Meta flags it again.
 */
export const qualityCommand: CliCommand = {
  flags: ['team'],
  prepare(values, action, io) {
    const team = requireOption(values, 'team');
    if (action === 'show') {
      return async (services) => {
        const view = await services.accountHealth.show(team);
        const optedOut = await services.consent.count(team, view.credentials.businessNumber);
        for (const line of describeAccountHealth(view, optedOut, cliSurface({ team }))) io.out(line);
        return 0;
      };
    }
    if (action === 'resume') {
      return async (services) => {
        const { overridden, resumed } = await services.accountHealth.resumeBulk(team, 'cli');
        if (!overridden) {
          io.out(
            `Nothing to resume: ${team}'s business number is not flagged, or bulk sends were resumed already.`,
          );
          return 0;
        }
        io.out(
          `Bulk sends resumed deliberately (${overridden.at.toISOString()}, recorded as the CLI) although Meta flagged the number (${overridden.event}); ${resumed.length} paused bulk job${resumed.length === 1 ? '' : 's'} go on. A new flag pauses them again.`,
        );
        return 0;
      };
    }
    throw new UsageError(`unknown quality command: ${action ?? '(none)'} (there are show, resume)`);
  },
};
