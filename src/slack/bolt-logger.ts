import { type Logger as SlackLogger, LogLevel as SlackLogLevel } from '@slack/bolt';
import type { Logger } from '../logger.ts';

// The Web API client echoes whole request and response bodies at debug level: messages, modal views
// (a new callback password is shown in one), order descriptions. Only their start is worth a log line.
const BODY_ECHO = /^http request (body|result): /;
const ECHO_SHOWN = 80;

const BOLT_LEVELS: Record<string, SlackLogLevel> = {
  debug: SlackLogLevel.DEBUG,
  info: SlackLogLevel.INFO,
  warn: SlackLogLevel.WARN,
  error: SlackLogLevel.ERROR,
};

/** Bolt's logger interface over pino, so Bolt's messages are structured and scrubbed like ours. */
export function toBoltLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'bolt' });
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) => {
      // Bolt and the Web API client log a lot at debug: build nothing for a level that is off.
      if (!child.isLevelEnabled(level)) return;
      const error = msg.find((part) => part instanceof Error);
      const text = shorten(
        msg
          .filter((part) => !(part instanceof Error))
          .map((part) => (typeof part === 'string' ? part : safeJson(part)))
          .join(' '),
      );
      if (error) child[level]({ err: error }, text);
      else child[level](text);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: () => {},
    getLevel: () => BOLT_LEVELS[child.level] ?? SlackLogLevel.INFO,
    setName: () => {},
  };
}

function shorten(text: string): string {
  if (!BODY_ECHO.test(text) || text.length <= ECHO_SHOWN) return text;
  return `${text.slice(0, ECHO_SHOWN)}… (${text.length} characters not logged)`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
