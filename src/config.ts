import path from 'node:path';
import * as v from 'valibot';
import { EnvSchema, type LogLevel } from './config-env.ts';
import { trimEnd } from './domain/trim.ts';

/**
 * Missing or malformed settings, every one found at once: each problem is one line the operator reads,
 * naming the variable (or folder) and what it must be.
 */
export class ConfigError extends Error {
  override name = 'ConfigError' as const;
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('; '));
    this.problems = list;
  }
}

export { LOG_LEVELS, type LogLevel } from './config-env.ts';

export type SlackAuth =
  | { mode: 'single'; botToken: string }
  | { mode: 'oauth'; clientId: string; clientSecret: string; stateSecret: string };

export type SlackConfig = {
  auth: SlackAuth;
  /** HTTP receiver (signing secret) or Socket Mode (app-level token). */
  transport:
    | { kind: 'http'; signingSecret: string }
    | { kind: 'socket'; appToken: string; signingSecret?: string };
  apiUrl: string;
};

export type StorageConfig = {
  databaseUrl?: string;
  dataDir: string;
  /** Absent only in embedded mode, where a key is generated into dataDir. */
  encryptionKey?: string;
};

export type Config = {
  port: number;
  logLevel: LogLevel;
  storage: StorageConfig;
  kaleyraBaseUrl?: string;
  kaleyraTimeoutMs: number;
  kaleyraRateLimit: number;
  /** Journal rows (and used buttons, expired claims) older than this many days are deleted. */
  journalRetentionDays: number;
  /** The app's public base URL (no trailing slash), for the callback URL shown to admins. */
  publicUrl?: string;
  /** A bearer token GET /metrics requires, for ports reachable from outside the cluster. */
  metricsToken?: string;
};

export type ServerConfig = Config & { slack: SlackConfig };

type Env = Readonly<Record<string, string | undefined>>;

type ParsedEnv = v.InferOutput<typeof EnvSchema>;
/** The variables that are set: empty strings count as unset (`FOO=` in a .env file means "not configured"). */
type Present = Readonly<Record<string, string>>;

function presentOf(env: Env): Present {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}

/** One line per malformed variable (its first issue), each naming the variable once. */
function schemaProblems(present: Present): string[] {
  const result = v.safeParse(EnvSchema, present);
  if (result.success) return [];
  const byKey = new Map<string, string>();
  for (const issue of result.issues) {
    const key = String(issue.path?.[0]?.key ?? 'environment');
    if (!byKey.has(key))
      byKey.set(key, issue.message.startsWith(key) ? issue.message : `${key}: ${issue.message}`);
  }
  return [...byKey.values()];
}

function storageProblems(present: Present): string[] {
  return present.DATABASE_URL && !present.ENCRYPTION_KEY?.trim()
    ? [
        'ENCRYPTION_KEY is required with DATABASE_URL: set it to 32 random bytes in base64 (openssl rand -base64 32)',
      ]
    : [];
}

/** Every problem at once, or the parsed environment. */
function parseEnv(present: Present, more: string[] = []): ParsedEnv {
  const problems = [...schemaProblems(present), ...storageProblems(present), ...more];
  if (problems.length > 0) throw new ConfigError(problems);
  return v.parse(EnvSchema, present);
}

function buildConfig(env: ParsedEnv): Config {
  const storage: StorageConfig = { dataDir: path.resolve(env.DATA_DIR) };
  if (env.DATABASE_URL) storage.databaseUrl = env.DATABASE_URL;
  if (env.ENCRYPTION_KEY) storage.encryptionKey = env.ENCRYPTION_KEY;
  const config: Config = {
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    storage,
    kaleyraTimeoutMs: env.KALEYRA_TIMEOUT_MS,
    kaleyraRateLimit: env.KALEYRA_RATE_LIMIT,
    journalRetentionDays: env.JOURNAL_RETENTION_DAYS,
  };
  if (env.KALEYRA_BASE_URL) config.kaleyraBaseUrl = trimEnd(env.KALEYRA_BASE_URL, '/');
  if (env.PUBLIC_URL) config.publicUrl = env.PUBLIC_URL;
  if (env.METRICS_TOKEN) config.metricsToken = env.METRICS_TOKEN;
  return config;
}

/** Settings the CLI needs: storage and Kaleyra, no Slack. */
export function loadConfig(env: Env = process.env): Config {
  return buildConfig(parseEnv(presentOf(env)));
}

/** KALEYRA_API_KEY, the CLI's way to take an API key from the environment (undefined when unset). */
export function kaleyraApiKeyOf(env: Env): string | undefined {
  return env.KALEYRA_API_KEY?.trim() || undefined;
}

/** Settings the server needs; every missing or contradictory setting is reported at once. */
export function loadServerConfig(env: Env = process.env): ServerConfig {
  const present = presentOf(env);
  const parsed = parseEnv(present, slackProblems(present));
  const apiUrl = parsed.SLACK_API_URL ?? 'https://slack.com/api/';
  return {
    ...buildConfig(parsed),
    slack: {
      auth: slackAuth(parsed),
      transport: slackTransport(parsed),
      apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    },
  };
}

const OAUTH_KEYS = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;

/** What is missing or contradictory among the Slack variables (names only: never a value, they are secrets). */
function slackProblems(present: Present): string[] {
  const has = (key: string) => (present[key]?.trim() ?? '') !== '';
  const botToken = present.SLACK_BOT_TOKEN?.trim();
  const appToken = present.SLACK_APP_TOKEN?.trim();
  const oauthSet = OAUTH_KEYS.filter(has);
  const problems: string[] = [];
  if (oauthSet.length > 0 && botToken) {
    problems.push(
      'Set either SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET (OAuth), not both',
    );
  } else if (oauthSet.length > 0 && oauthSet.length < OAUTH_KEYS.length) {
    const missing = OAUTH_KEYS.filter((key) => !has(key));
    problems.push(`OAuth mode needs ${missing.join(' and ')} too`);
  } else if (oauthSet.length === 0 && !botToken) {
    problems.push(
      'Set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET (OAuth install)',
    );
  }
  if (botToken && !/^xoxb-/.test(botToken))
    problems.push('SLACK_BOT_TOKEN must be a bot token starting with xoxb-');
  if (appToken) {
    if (oauthSet.length > 0) {
      problems.push(
        'Socket Mode (SLACK_APP_TOKEN) is for one workspace: use it with SLACK_BOT_TOKEN, not the OAuth variables',
      );
    }
    if (!/^xapp-/.test(appToken))
      problems.push('SLACK_APP_TOKEN must be an app-level token starting with xapp-');
  } else if (!has('SLACK_SIGNING_SECRET')) {
    problems.push(
      'SLACK_SIGNING_SECRET is required (Slack app → Basic Information → Signing Secret), or SLACK_APP_TOKEN for Socket Mode',
    );
  }
  return problems;
}

// Only called once slackProblems found nothing, so each branch has what it needs.
function slackAuth(parsed: ParsedEnv): SlackAuth {
  const { SLACK_BOT_TOKEN, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET } = parsed;
  if (SLACK_CLIENT_ID && SLACK_CLIENT_SECRET && SLACK_STATE_SECRET) {
    return {
      mode: 'oauth',
      clientId: SLACK_CLIENT_ID,
      clientSecret: SLACK_CLIENT_SECRET,
      stateSecret: SLACK_STATE_SECRET,
    };
  }
  return { mode: 'single', botToken: SLACK_BOT_TOKEN ?? '' };
}

function slackTransport(parsed: ParsedEnv): SlackConfig['transport'] {
  if (parsed.SLACK_APP_TOKEN) {
    return {
      kind: 'socket',
      appToken: parsed.SLACK_APP_TOKEN,
      ...(parsed.SLACK_SIGNING_SECRET ? { signingSecret: parsed.SLACK_SIGNING_SECRET } : {}),
    };
  }
  return { kind: 'http', signingSecret: parsed.SLACK_SIGNING_SECRET ?? '' };
}
