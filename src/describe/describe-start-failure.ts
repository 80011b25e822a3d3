import { ConfigError } from '../config.ts';
import { SlackUnreachableError } from '../errors/slack-unreachable-error.ts';

// Deep enough for any chain we build (ours, then a library's, then the system's).
const MAX_CAUSES = 5;

/**
 * Why the server did not start, as the lines the operator reads: every configuration problem on its
 * own line when there are several, otherwise one line, followed by what caused it (`error.cause`, one
 * line each), since "Could not open the embedded database" alone leaves the operator guessing.
 */
export function describeStartFailure(error: unknown): string[] {
  if (error instanceof ConfigError && error.problems.length > 1) {
    return ['orderstatus: cannot start:', ...error.problems.map((problem) => `  ${problem}`)];
  }
  if (error instanceof SlackUnreachableError) {
    return [
      `orderstatus: cannot start: ${error.message}, tried for ${Math.round(error.waitedMs / 1000)} s: check that this machine reaches Slack (a proxy or firewall?), and SLACK_API_URL if it is set`,
    ];
  }
  const message = error instanceof Error ? error.message : String(error);
  return [`orderstatus: cannot start: ${message}`, ...causesOf(error).map((cause) => `  because: ${cause}`)];
}

/** Each cause along the chain as one line: its message, with its system code when the message lacks it. */
export function causesOf(error: unknown): string[] {
  const lines: string[] = [];
  const seen = new Set<unknown>([error]);
  let current: unknown = error instanceof Error ? error.cause : undefined;
  while (current !== undefined && current !== null && !seen.has(current) && lines.length < MAX_CAUSES) {
    seen.add(current);
    const line = oneLine(current);
    if (line && lines.at(-1) !== line) lines.push(line);
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines;
}

function oneLine(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause).split('\n')[0]?.trim() ?? '';
  const members = cause instanceof AggregateError ? cause.errors.map(oneLine).filter(Boolean) : [];
  const message = (cause.message.split('\n')[0] ?? '').trim() || members.join('; ') || cause.name;
  const code: unknown = Reflect.get(cause, 'code');
  const withCode = typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
  return cause.name && cause.name !== 'Error' && !withCode.startsWith(cause.name)
    ? `${cause.name}: ${withCode}`
    : withCode;
}
