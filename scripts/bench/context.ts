import type { Fakes } from './fakes.ts';

/** The app's default send budget per business number (KALEYRA_RATE_LIMIT unset). */
export const DEFAULT_LIMIT = 80;
/** Commands right after a server starts (cold code, new connections), measured apart from the burst. */
export const WARM_UP_N = 100;

/** What the command line asked for (see main.ts). */
export type BenchOptions = {
  /** Slash commands per measured burst. */
  n: number;
  /** Commands in flight at once. */
  c: number;
  /** Commands in the slow-Kaleyra burst. */
  slowN: number;
  /** Commands per burst of the floor measurement (floor.ts), and in flight at once there. */
  floorN: number;
  floorC: number;
  verbose: boolean;
  /** Append a row to BENCHMARKS.md. */
  record: boolean;
  /** Where every started server writes a V8 CPU profile, if anywhere. */
  cpuProfDir: string | undefined;
  /** Flags for the server's node. */
  nodeArgs: readonly string[];
  databaseUrl: string;
  /** The measurements to run (keys of measurements.ts's Results), all by default. */
  only: readonly string[];
};

/** What every measurement is given. */
export type BenchContext = {
  options: BenchOptions;
  fakes: Fakes;
  /** The built server (`dist/server.js` as `npm start` builds it). */
  entry: string;
  /** This run's tag: every reference starts with it, so runs on one database never mix. */
  run: string;
  /** The workspace the commands come from. */
  team: string;
  /** The Postgres servers' ENCRYPTION_KEY, fresh per run. */
  encryptionKey: string;
};

export const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

export const fmt = (value: number, digits = 0): string =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Wall-clock ms (timeOrigin + now): comparable across threads, unlike performance.now(). */
export const wallClock = (): number => performance.timeOrigin + performance.now();
