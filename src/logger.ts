import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger };

// Token shapes that must never reach a log line, whatever object carried them.
const SECRET_PATTERNS: readonly RegExp[] = [
  /xox[abposer]-[A-Za-z0-9-]+/g,
  /xapp-[A-Za-z0-9-]+/g,
  // The account SID in a Kaleyra URL (`…/v2/<SID>/whatsapp/…`), e.g. in an HTTP client's error message.
  /(\/v\d+\/)[A-Za-z0-9]{4,64}(?=\/whatsapp\b)/g,
  // A media link's token (`…/media/<token>`): whoever holds it gets the file for an hour.
  /(\/media\/)[A-Za-z0-9._-]+/g,
];
// A secret-named label in free text, up to where its value starts: `api-key: `, `"api_key":`, `password=`.
const SECRET_LABEL =
  /"?\b(?:api[-_]?key|authorization|password|(?:signing|client|state)[-_]?secret)"?\s*[:=]\s*/gi;
// Field names whose values are secret wherever they sit in a logged object (`headers` whole: an HTTP
// client's request or response headers carry credentials under names of their own).
const SECRET_KEY =
  /^(headers|api[-_]?key|authorization|proxy-authorization|cookie|set-cookie|x-slack-signature|password|((bot|user|app|access|refresh)[-_]?)?token|(signing|client|state)[-_]?secret)$/i;
const MAX_DEPTH = 8;
// Customer numbers: keep the country code's first digits and the last four.
// One quantifier over the digits (9 to 15 of them, as E.164 has), so a long run cannot make it backtrack.
const PHONE = /\+\d{9,15}\b/g;

/**
 * Removes known secret values, token shapes, secret-labelled values and full customer numbers from
 * text. `secrets` is the live set of values this process knows to be secret (signing secret, tokens,
 * encryption key). Text that carries a JSON document (a library logging a raw payload, such as the
 * Socket Mode client at debug: `Received a message on the WebSocket: {…}`) is scrubbed as the object
 * it is, field by field, so a value typed into a modal (an API key) goes wherever its field goes.
 */
export function scrubText(text: string, secrets: ReadonlySet<string>, depth = 0): string {
  const embedded = depth < MAX_DEPTH ? findEmbeddedJson(text) : undefined;
  if (!embedded) return scrubPlainText(text, secrets);
  const { before, value, after } = embedded;
  const scrubbed = JSON.stringify(scrubValue(value, secrets, depth + 1));
  return `${scrubPlainText(before, secrets)}${scrubbed}${scrubPlainText(after, secrets)}`;
}

function scrubPlainText(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 6) out = out.split(secret).join('[redacted]');
  }
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (_match, prefix?: string) =>
      typeof prefix === 'string' ? `${prefix}[redacted]` : '[redacted]',
    );
  }
  return redactLabelledValues(out).replace(
    PHONE,
    (match: string) => `${match.slice(0, 3)}••••${match.slice(-4)}`,
  );
}

/** The JSON object or array in `text` (from its first `{`/`[` to its last `}`/`]`), when it parses. */
function findEmbeddedJson(text: string): { before: string; value: object; after: string } | undefined {
  const open = text.search(/[{[]/);
  if (open === -1) return undefined;
  const close = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
  if (close <= open) return undefined;
  try {
    const value: unknown = JSON.parse(text.slice(open, close + 1));
    if (typeof value !== 'object' || value === null) return undefined;
    return { before: text.slice(0, open), value, after: text.slice(close + 1) };
  } catch {
    return undefined;
  }
}

/**
 * Replaces the value after each secret label with `[redacted]`: a whole `{…}` or `[…]` (a Slack view
 * state nests the typed value inside an object named after the field), a quoted string, or a bare word
 * (`Bearer <token>` included). An unbalanced value is redacted to the end of the text.
 */
function redactLabelledValues(text: string): string {
  let out = '';
  let done = 0;
  for (const match of text.matchAll(SECRET_LABEL)) {
    const start = match.index + match[0].length;
    if (match.index < done) continue; // inside a value already redacted
    out += `${text.slice(done, start)}[redacted]`;
    done = endOfValue(text, start);
  }
  return out + text.slice(done);
}

function endOfValue(text: string, start: number): number {
  const first = text[start];
  if (first === '"') {
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') return i + 1;
    }
    return text.length;
  }
  if (first !== '{' && first !== '[') {
    const word = /^(?:Bearer\s+)?[^"\s,}\]]*/i.exec(text.slice(start))?.[0] ?? '';
    return start + word.length;
  }
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if ((char === '}' || char === ']') && --depth === 0) return i + 1;
  }
  return text.length;
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
  if (typeof value === 'string') return scrubText(value, secrets, depth);
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
  const logger = pino(
    {
      level: options.level,
      base: null,
      // No pino `redact`: it re-parses its paths and clones the object on every line (~7 % of the app's
      // allocation in the floor bench), and the hook below already redacts every secret-named field (and
      // `headers`) at any depth. Child bindings bypass the hook: they are scrubbed once, when made (below).
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
  // pino drops a bindings formatter for children, so `child` itself scrubs; children inherit it.
  const pinoChild = logger.child;
  logger.child = function scrubbedChild(this: Logger, bindings, childOptions) {
    return pinoChild.call(this, scrubValue(bindings, secrets) as typeof bindings, childOptions);
  } as Logger['child'];
  return logger;
}
