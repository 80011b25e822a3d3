import type { Services } from '../services/open-services.ts';
import type { CliOptions, OptionName } from './usage.ts';

export type Io = {
  out: (line: string) => void;
  err: (line: string) => void;
  readStdin: () => string;
  /** Where progress is drawn (stderr): a terminal gets a bar redrawn in place, anything else plain lines. */
  progress?: { isTTY: boolean; write(text: string): void };
  /** Calls `handler` on Ctrl-C instead of exiting at once; returns how to stop listening. */
  onInterrupt?: (handler: () => void) => () => void;
};

export type Env = Readonly<Record<string, string | undefined>>;

/** What a command does once storage is open; resolves the exit code. */
export type CliWork = (services: Services) => Promise<number>;

/**
 * A CLI command. `prepare` checks the flags (throwing UsageError or ValidationError) before any storage
 * is opened, so a typo is answered at once; it returns the work to run on the opened services.
 * A command that opens storage itself, if at all (`doctor`: failing to open it is one of its findings),
 * gives `run` instead.
 */
export type CliCommand = { flags?: readonly OptionName[] } & (
  | {
      prepare(values: CliOptions, action: string | undefined, io: Io, env: Env): CliWork;
      /** `migrate` opens the database to migrate it; every other command to use it. */
      migrates?: boolean;
      /** Says whether the command sends a message (descriptions then say whether it went out). */
      sends?: boolean;
    }
  | { run(values: CliOptions, action: string | undefined, io: Io, env: Env): Promise<number> }
);
