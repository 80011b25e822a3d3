import * as v from 'valibot';
import { trimEnd } from './domain/trim.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const optionalText = v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty()));
/** A count from the environment: digits only, at least `min` (a timeout of 0 is allowed, a limit of 0 is not). */
const wholeNumber = (name: string, unit: string, fallback: string, min = 0) =>
  v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, `${name} must be a whole number of ${unit}`),
      v.transform(Number),
      v.minValue(min, `${name} must be at least ${min}`),
    ),
    fallback,
  );
const url = (name: string) =>
  v.optional(v.pipe(v.string(), v.trim(), v.url(`${name} must be a URL such as https://example.com/`)));

/**
 * Every environment variable the service reads, its default and its rule, in one schema; config.ts
 * turns the parsed values into the typed configuration and reports every problem at once.
 */
export const EnvSchema = v.object({
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
  KALEYRA_TIMEOUT_MS: wholeNumber('KALEYRA_TIMEOUT_MS', 'milliseconds', '15000'),
  KALEYRA_RATE_LIMIT: wholeNumber('KALEYRA_RATE_LIMIT', 'messages per second', '80', 1),
  JOURNAL_RETENTION_DAYS: wholeNumber('JOURNAL_RETENTION_DAYS', 'days', '90', 1),
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
      v.transform((value) => trimEnd(value, '/')),
    ),
  ),
  // The CLI's alternative to `credentials set --api-key -` (never a command-line argument).
  KALEYRA_API_KEY: optionalText,
  METRICS_TOKEN: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.regex(/^[\x21-\x7e]{16,256}$/, 'METRICS_TOKEN must be 16 to 256 printable characters, no spaces'),
    ),
  ),
});
