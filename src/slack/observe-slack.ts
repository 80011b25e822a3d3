import type { Metrics } from '../metrics.ts';

/** Slack's error codes look like `not_in_channel`; anything else is not one (and not a label). */
const SLACK_CODE = /^[a-z][a-z0-9_]{0,59}$/;

/**
 * The Web API client's `fetch`, counting every failed call by method and Slack's error code
 * (`ok: false` answers, HTTP errors such as 429, and calls that never got an answer). The `ok: false`
 * is seen as the client reads the answer's text, not from a clone: a clone tees the body's stream,
 * which cost about 5 % of a send's CPU.
 */
export function observeSlackFetch(
  metrics: Pick<Metrics, 'slackApiErrors'>,
  base: typeof fetch = globalThis.fetch,
): typeof fetch {
  return async (input, init) => {
    const method = methodOf(input);
    let response: Response;
    try {
      response = await base(input, init);
    } catch (error) {
      metrics.slackApiErrors.inc({ method, code: 'network' });
      throw error;
    }
    if (!response.ok) {
      metrics.slackApiErrors.inc({ method, code: `http_${response.status}` });
      return response;
    }
    if (response.headers.get('content-type')?.includes('json')) {
      countFailureWhenRead(response, (code) => metrics.slackApiErrors.inc({ method, code }));
    }
    return response;
  };
}

/**
 * Wraps this one response's `text()` (what the Web API client reads a JSON answer with) so that an
 * `ok: false` answer reports its error code. The text is parsed a second time only when it says false.
 */
function countFailureWhenRead(response: Response, count: (code: string) => void): void {
  const read = response.text.bind(response);
  const text = async () => {
    const body = await read();
    if (OK_FALSE.test(body)) {
      const answer = parseJson(body) as { ok?: unknown; error?: unknown } | undefined;
      if (answer?.ok === false)
        count(typeof answer.error === 'string' && SLACK_CODE.test(answer.error) ? answer.error : 'other');
    }
    return body;
  };
  Object.defineProperty(response, 'text', { value: text });
}

const OK_FALSE = /"ok"\s*:\s*false/;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `chat.postMessage` from `https://slack.com/api/chat.postMessage`; a file upload URL is `file_upload`. */
function methodOf(input: Parameters<typeof fetch>[0]): string {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const path = url.split('?')[0] ?? '';
  const method = /\/api\/([a-zA-Z.]{1,60})$/.exec(path)?.[1];
  return method ?? 'file_upload';
}

/**
 * What kind of interaction a Slack payload is, for the commands metric. Slash commands are counted by
 * their subcommand where they are read (listeners/commands), so they are not counted here.
 */
export function interactionKindOf(body: Record<string, unknown>): string | undefined {
  if (typeof body.command === 'string') return undefined;
  switch (body.type) {
    case 'block_actions':
      return 'button';
    case 'view_submission':
      return 'form_submit';
    case 'block_suggestion':
      return 'options';
    case 'message_action':
    case 'shortcut':
      return 'shortcut';
    case 'event_callback': {
      const event = (body.event as { type?: unknown } | undefined)?.type;
      if (event === 'app_home_opened') return 'home';
      if (event === 'function_executed') return 'workflow';
      return 'event';
    }
    default:
      return 'other';
  }
}
