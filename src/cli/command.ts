import type { Services } from '../services/open-services.ts';
import type { CliOptions } from './usage.ts';

export type Io = {
  out: (line: string) => void;
  err: (line: string) => void;
  readStdin: () => string;
  /** Where progress is drawn (stderr): a terminal gets a bar redrawn in place, anything else plain lines. */
  progress?: { isTTY: boolean; write(text: string): void };
  /** Calls `handler` on Ctrl-C instead of exiting at once; returns how to stop listening. */
  onInterrupt?: (handler: () => void) => () => void;
};

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
