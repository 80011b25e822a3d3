import { callbackUrl } from '../domain/callback-url.ts';
import type { CliCommand, CliWork, Io } from './command.ts';
import { requireOption, UsageError } from './usage.ts';

/** `orderstatus callbacks rotate|show --team T`: the workspace's login for Kaleyra's status callbacks. */
export const callbacksCommand: CliCommand = {
  flags: ['team'],
  prepare(values, action, io) {
    const team = requireOption(values, 'team');
    if (action === 'rotate') return rotate(team, io);
    if (action === 'show') return show(team, io);
    throw new UsageError(`unknown callbacks command: ${action ?? '(none)'}`);
  },
};

/** Exactly three lines; the password is printed this once and stored only as a keyed hash. */
function rotate(team: string, io: Io): CliWork {
  return async (services) => {
    const login = await services.callbackCredentials.rotate(team, 'cli');
    io.out(`url: ${callbackUrl(services.publicUrl)}`);
    io.out(`username: ${login.username}`);
    io.out(`password: ${login.password}`);
    return 0;
  };
}

function show(team: string, io: Io): CliWork {
  return async (services) => {
    const info = await services.callbackCredentials.show(team);
    io.out(`url: ${callbackUrl(services.publicUrl)}`);
    if (!info) {
      io.err(`${team} has no callback login yet. Make one with: orderstatus callbacks rotate --team ${team}`);
      return 1;
    }
    io.out(`username: ${info.username}`);
    io.out(`last callback: ${info.lastCallbackAt ? info.lastCallbackAt.toISOString() : 'none received yet'}`);
    io.out(`password rotated: ${info.rotatedAt.toISOString()} by ${info.rotatedBy}`);
    return 0;
  };
}
