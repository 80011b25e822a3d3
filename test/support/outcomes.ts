import type { SentCommand } from './app-driver.ts';
import type { FakeSlack, ResponseUrlPost, SlackApiCall } from './fake-slack.ts';

/**
 * Where a command's outcome landed. What only the asker sees comes through the command's response_url;
 * an outcome for everyone is posted in the channel with chat.postMessage (so the app can edit it as
 * WhatsApp reports delivery), or through the response_url where the app cannot post.
 */

/** An outcome as the agent got it: through the command's response_url, or posted in the channel. */
export type Outcome = ResponseUrlPost & {
  via: 'response_url' | 'channel';
  /** For a channel post: where it is, so a test can read it again after the app edits it. */
  channel?: string;
  ts?: string;
};

/**
 * Waits for the outcome of a command: the first POST to its response_url (what only the asker sees,
 * and outcomes in channels the app cannot post in), or the app's chat.postMessage in the command's
 * channel that names its reference (outcomes for everyone, posted so that they can be edited later).
 */
export function outcomeOf(
  app: { slack: FakeSlack },
  sent: Pick<SentCommand, 'path'> & Partial<SentCommand>,
  timeoutMs = 5000,
): Promise<Outcome> {
  return app.slack.waitFor((slack) => findOutcome(slack, sent), timeoutMs);
}

/** The outcome of a command if it has arrived (see outcomeOf), without waiting. */
export function findOutcome(
  slack: FakeSlack,
  sent: Pick<SentCommand, 'path'> & Partial<SentCommand>,
): Outcome | undefined {
  const post = slack.responseUrlPosts.find((p) => p.path === sent.path);
  if (post) return { ...post, via: 'response_url' };
  const call = channelPostFor(slack, sent);
  if (!call) return undefined;
  const answer = call.response as { channel?: unknown; ts?: unknown } | undefined;
  return {
    path: sent.path,
    body: call.body,
    headers: call.headers,
    via: 'channel',
    channel: typeof answer?.channel === 'string' ? answer.channel : String(call.body.channel),
    ...(typeof answer?.ts === 'string' ? { ts: answer.ts } : {}),
  };
}

/** Outcomes posted in `channelId` (chat.postMessage, not thread replies) that name `text`. */
export function channelOutcomesNaming(slack: FakeSlack, channelId: string, text: string): SlackApiCall[] {
  return slack
    .callsTo('chat.postMessage')
    .filter(
      (call) =>
        call.body.channel === channelId &&
        call.body.thread_ts === undefined &&
        (call.response as { ok?: unknown } | undefined)?.ok === true &&
        JSON.stringify(call.body).includes(text),
    );
}

/** The app's (non-thread) chat.postMessage in the command's channel after it was made, naming its reference. */
function channelPostFor(slack: FakeSlack, sent: Partial<SentCommand>): SlackApiCall | undefined {
  if (sent.channelId === undefined) return undefined;
  const calls = slack.calls.slice(sent.callsBefore ?? 0);
  return calls.find(
    (call) =>
      call.method === 'chat.postMessage' &&
      (call.response as { ok?: unknown } | undefined)?.ok === true &&
      call.body.channel === sent.channelId &&
      call.body.thread_ts === undefined &&
      (sent.reference === undefined || JSON.stringify(call.body).includes(sent.reference)),
  );
}

/**
 * Every answer a request got so far, as text: what came back through its response_url (private
 * answers), then what the app posted in its channel after it (outcomes for everyone). For requests
 * that can be answered more than once, such as a button clicked again or replayed.
 */
export function answersSoFar(
  slack: FakeSlack,
  sent: Pick<SentCommand, 'path' | 'channelId' | 'callsBefore'>,
) {
  const private_ = slack.responseUrlPosts.filter((post) => post.path === sent.path).map((post) => post.body);
  const public_ = slack.calls
    .slice(sent.callsBefore)
    .filter(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.body.channel === sent.channelId &&
        call.body.thread_ts === undefined &&
        (call.response as { ok?: unknown } | undefined)?.ok === true,
    )
    .map((call) => call.body);
  return [...private_, ...public_].map((body) => JSON.stringify(body));
}
