import type { Services } from '../services/open-services.ts';
import type { CliOptions } from './usage.ts';

export type Io = { out: (line: string) => void; err: (line: string) => void; readStdin: () => string };

/** What a command does once storage is open; resolves the exit code. */
export type CliWork = (services: Services) => Promise<number>;

/**
 * A CLI command. `prepare` checks the flags (throwing UsageError or ValidationError) before any storage
 * is opened, so a typo is answered at once; it returns the work to run on the opened services.
 */
export type CliCommand = {
  prepare(values: CliOptions, action: string | undefined, io: Io): CliWork;
  /** `migrate` opens the database to migrate it; every other command to use it. */
  migrates?: boolean;
};
