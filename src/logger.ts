import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger };

// Token shapes that must never reach a log line, whatever object carried them.
const SECRET_PATTERNS: readonly RegExp[] = [
  /xox[abposer]-[A-Za-z0-9-]+/g,
  /xapp-[A-Za-z0-9-]+/g,
  /("?api[-_]?key"?\s*[:=]\s*"?)[^"\s,}]+/gi,
  /(authorization"?\s*[:=]\s*"?)(Bearer\s+)?[^"\s,}]+/gi,
  // The account SID in a Kaleyra URL (`…/v2/<SID>/whatsapp/…`), e.g. in an HTTP client's error message.
  /(\/v\d+\/)[A-Za-z0-9]{4,64}(?=\/whatsapp\b)/g,
];
// Field names whose values are secret wherever they sit in a logged object.
const SECRET_KEY =
  /^(api[-_]?key|authorization|proxy-authorization|cookie|set-cookie|x-slack-signature|password|((bot|user|app|access|refresh)[-_]?)?token|(signing|client|state)[-_]?secret)$/i;
const MAX_DEPTH = 8;
// Customer numbers: keep the country code's first digits and the last four.
const PHONE = /\+\d{2}\d{3,9}(\d{4})\b/g;

/**
 * Removes known secret values and token shapes from text. `secrets` is the live set of values this
 * process knows to be secret (signing secret, tokens, encryption key, API keys as they are used).
 */
export function scrubText(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 6) out = out.split(secret).join('[redacted]');
  }
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (_match, prefix?: string) =>
      typeof prefix === 'string' ? `${prefix}[redacted]` : '[redacted]',
    );
  }
  return out.replace(PHONE, (match, last4: string) => `${match.slice(0, 3)}••••${last4}`);
}

/** Errors are logged by name, code and message only: HTTP client errors carry request options and headers. */
function serializeError(error: unknown, secrets: ReadonlySet<string>): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: scrubText(String(error), secrets) };
  const out: Record<string, unknown> = {
    type: error.name,
    message: scrubText(error.message, secrets),
  };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (error.stack) out.stack = scrubText(error.stack, secrets);
  if (error.cause !== undefined) out.cause = serializeError(error.cause, secrets);
  return out;
}

/**
 * A copy of a logged value with every string scrubbed, secret-named fields redacted at any depth, and
 * errors reduced to name, code, message, stack and cause (an HTTP client error's own properties carry
 * request options and headers).
 */
function scrubValue(
  value: unknown,
  secrets: ReadonlySet<string>,
  depth = 0,
  seen = new WeakSet<object>(),
): unknown {
  if (typeof value === 'string') return scrubText(value, secrets);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Error) return serializeError(value, secrets);
  if (seen.has(value) || depth >= MAX_DEPTH) return '[…]';
  seen.add(value);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return scrubValue(toJSON.call(value), secrets, depth + 1, seen);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, secrets, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? '[redacted]' : scrubValue(item, secrets, depth + 1, seen);
  }
  return out;
}

export type LoggerOptions = {
  level: LogLevel;
  secrets?: Set<string>;
  destination?: DestinationStream;
};

/** Structured JSON logs with secrets and customer numbers removed, whatever path they arrive by. */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = options.secrets ?? new Set<string>();
  return pino(
    {
      level: options.level,
      base: null,
      redact: {
        paths: [
          'apiKey',
          '*.apiKey',
          'api_key',
          '*.api_key',
          'token',
          '*.token',
          'botToken',
          '*.botToken',
          'headers',
          '*.headers',
          'signingSecret',
          '*.signingSecret',
          'clientSecret',
          '*.clientSecret',
        ],
        censor: '[redacted]',
      },
      serializers: {
        // Already reduced by the hook below; kept for errors that reach pino another way.
        err: (error: unknown) => (error instanceof Error ? serializeError(error, secrets) : error),
        error: (error: unknown) => (error instanceof Error ? serializeError(error, secrets) : error),
      },
      hooks: {
        // Every argument is scrubbed, free-text messages (including Bolt's own) and logged objects alike.
        // An error logged alone becomes `{ err }`, whose (scrubbed) message pino uses as the line's.
        logMethod(args, method) {
          const scrubbed = args.map((arg) => scrubValue(arg instanceof Error ? { err: arg } : arg, secrets));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}
