import path from 'node:path';
import * as v from 'valibot';

/** A missing or malformed setting; its message is the one line the operator reads. */
export class ConfigError extends Error {
  override name = 'ConfigError' as const;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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
};

export type ServerConfig = Config & { slack: SlackConfig };

type Env = Readonly<Record<string, string | undefined>>;

const optionalText = v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty()));
const url = (name: string) =>
  v.optional(v.pipe(v.string(), v.trim(), v.url(`${name} must be a URL such as https://example.com/`)));

const EnvSchema = v.object({
  PORT: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, 'PORT must be a number between 1 and 65535'),
      v.transform(Number),
      v.minValue(0, 'PORT must be a number between 1 and 65535'),
      v.maxValue(65535, 'PORT must be a number between 1 and 65535'),
    ),
    '3000',
  ),
  LOG_LEVEL: v.optional(
    v.pipe(
      v.string(),
      v.transform((s) => s.trim().toLowerCase()),
      v.picklist(LOG_LEVELS, `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`),
    ),
    'info',
  ),
  DATABASE_URL: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://'),
    ),
  ),
  DATA_DIR: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty()), './data'),
  ENCRYPTION_KEY: optionalText,
  KALEYRA_BASE_URL: url('KALEYRA_BASE_URL'),
  KALEYRA_TIMEOUT_MS: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, 'KALEYRA_TIMEOUT_MS must be a whole number of milliseconds'),
      v.transform(Number),
    ),
    '15000',
  ),
  KALEYRA_RATE_LIMIT: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, 'KALEYRA_RATE_LIMIT must be a whole number of messages per second'),
      v.transform(Number),
      v.minValue(1, 'KALEYRA_RATE_LIMIT must be at least 1'),
    ),
    '80',
  ),
  JOURNAL_RETENTION_DAYS: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, 'JOURNAL_RETENTION_DAYS must be a whole number of days'),
      v.transform(Number),
      v.minValue(1, 'JOURNAL_RETENTION_DAYS must be at least 1'),
    ),
    '90',
  ),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_BOT_TOKEN: optionalText,
  SLACK_CLIENT_ID: optionalText,
  SLACK_CLIENT_SECRET: optionalText,
  SLACK_STATE_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: url('SLACK_API_URL'),
  PUBLIC_URL: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.url('PUBLIC_URL must be the app’s public base URL, such as https://orderstatus.example.com'),
      v.regex(/^https?:\/\//, 'PUBLIC_URL must start with https:// (or http:// for local work)'),
      v.transform((value) => value.replace(/\/+$/, '')),
    ),
  ),
});

type ParsedEnv = v.InferOutput<typeof EnvSchema>;

function parseEnv(env: Env): ParsedEnv {
  // Empty strings count as unset: `FOO=` in a .env file means "not configured".
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = v.safeParse(EnvSchema, present);
  if (!result.success) {
    const issue = result.issues[0];
    const key = issue?.path?.[0]?.key;
    throw new ConfigError(
      `${typeof key === 'string' ? `${key}: ` : ''}${issue?.message ?? 'invalid environment'}`,
    );
  }
  return result.output;
}

function buildConfig(env: ParsedEnv): Config {
  if (env.DATABASE_URL && !env.ENCRYPTION_KEY) {
    throw new ConfigError(
      'ENCRYPTION_KEY is required with DATABASE_URL: set it to 32 random bytes in base64 (openssl rand -base64 32)',
    );
  }
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
  if (env.KALEYRA_BASE_URL) config.kaleyraBaseUrl = env.KALEYRA_BASE_URL.replace(/\/+$/, '');
  if (env.PUBLIC_URL) config.publicUrl = env.PUBLIC_URL;
  return config;
}

/** Settings the CLI needs: storage and Kaleyra, no Slack. */
export function loadConfig(env: Env = process.env): Config {
  return buildConfig(parseEnv(env));
}

/** Settings the server needs; contradictory or missing Slack settings stop start-up with one line. */
export function loadServerConfig(env: Env = process.env): ServerConfig {
  const parsed = parseEnv(env);
  const config = buildConfig(parsed);
  const oauthKeys = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;
  const oauthSet = oauthKeys.filter((key) => parsed[key] !== undefined);

  let auth: SlackAuth;
  if (oauthSet.length > 0) {
    if (parsed.SLACK_BOT_TOKEN) {
      throw new ConfigError(
        'Set either SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET (OAuth), not both',
      );
    }
    const missing = oauthKeys.filter((key) => parsed[key] === undefined);
    if (missing.length > 0) throw new ConfigError(`OAuth mode needs ${missing.join(' and ')} too`);
    auth = {
      mode: 'oauth',
      clientId: parsed.SLACK_CLIENT_ID as string,
      clientSecret: parsed.SLACK_CLIENT_SECRET as string,
      stateSecret: parsed.SLACK_STATE_SECRET as string,
    };
  } else if (parsed.SLACK_BOT_TOKEN) {
    if (!/^xoxb-/.test(parsed.SLACK_BOT_TOKEN)) {
      throw new ConfigError('SLACK_BOT_TOKEN must be a bot token starting with xoxb-');
    }
    auth = { mode: 'single', botToken: parsed.SLACK_BOT_TOKEN };
  } else {
    throw new ConfigError(
      'Set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET (OAuth install)',
    );
  }

  let transport: SlackConfig['transport'];
  if (parsed.SLACK_APP_TOKEN) {
    if (auth.mode === 'oauth') {
      throw new ConfigError(
        'Socket Mode (SLACK_APP_TOKEN) is for one workspace: use it with SLACK_BOT_TOKEN, not the OAuth variables',
      );
    }
    if (!/^xapp-/.test(parsed.SLACK_APP_TOKEN)) {
      throw new ConfigError('SLACK_APP_TOKEN must be an app-level token starting with xapp-');
    }
    transport = { kind: 'socket', appToken: parsed.SLACK_APP_TOKEN };
    if (parsed.SLACK_SIGNING_SECRET) transport.signingSecret = parsed.SLACK_SIGNING_SECRET;
  } else if (parsed.SLACK_SIGNING_SECRET) {
    transport = { kind: 'http', signingSecret: parsed.SLACK_SIGNING_SECRET };
  } else {
    throw new ConfigError(
      'SLACK_SIGNING_SECRET is required (Slack app → Basic Information → Signing Secret), or SLACK_APP_TOKEN for Socket Mode',
    );
  }

  const apiUrl = parsed.SLACK_API_URL ?? 'https://slack.com/api/';
  return { ...config, slack: { auth, transport, apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } };
}
