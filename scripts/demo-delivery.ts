/** `npm run demo`, part two: Kaleyra's status callbacks turning an outcome into Delivered, Read, or a failure. */
import type { FakeSlack, SlackApiCall } from '../test/support/fake-slack.ts';
import { callbackPayload, type Login, postCallback } from '../test/support/kaleyra-callbacks.ts';

export type DemoIo = {
  heading(title: string): void;
  say(line: string): void;
  render(message: unknown): string;
  /** A one-liner from the demo agent; resolves when its outcome is posted. */
  oneLiner(text: string, reference: string): Promise<SlackApiCall>;
  /** `/orderstatus <text>` answered only to the agent; resolves that answer. */
  ask(text: string): Promise<unknown>;
};

/** WhatsApp's Unix time, `seconds` from now. */
const whatsappTime = (seconds: number) => String(Math.floor(Date.now() / 1000) + seconds);

/** The outcome message as it reads now (after the app's edits), and its thread. */
function current(slack: FakeSlack, posted: SlackApiCall) {
  const answer = posted.response as { channel: string; ts: string };
  return {
    message: slack.messageAt(answer.channel, answer.ts),
    replies: slack.repliesTo(answer.channel, answer.ts),
  };
}

const messageIdOf = (posted: SlackApiCall) =>
  /message_id: `?([A-Za-z0-9]+)/.exec(JSON.stringify(posted.body))?.[1] ?? '';

async function waitForEdit(slack: FakeSlack, posted: SlackApiCall, needle: string) {
  return slack.waitFor(() => {
    const { message } = current(slack, posted);
    return message && JSON.stringify(message).includes(needle) ? message : undefined;
  }, 10_000);
}

/**
 * `orderstatus callbacks rotate`, printed with the password masked; resolves the login Kaleyra will use.
 * Run before the server starts: a CLI beside it would add its ~95 MB to the demo's peak.
 */
export async function setUpCallbacks(
  cli: (args: string[]) => Promise<string>,
  team: string,
  say: (line: string) => void,
): Promise<Login> {
  const printed = await cli(['callbacks', 'rotate', '--team', team]);
  say(printed.trimEnd().replace(/^password: .*/m, 'password: ••••••••••••••••••••••••••••••• (shown once)'));
  const username = /^username: (.+)$/m.exec(printed)?.[1] ?? '';
  const password = /^password: (.+)$/m.exec(printed)?.[1] ?? '';
  if (!username || !password) throw new Error(`callbacks rotate printed no login:\n${printed}`);
  return { username, password };
}

export async function showDelivery(
  url: string,
  slack: FakeSlack,
  team: string,
  login: Login,
  io: DemoIo,
): Promise<void> {
  // Both sends' first callbacks arrive together, so their edits share one coalescing window (about 1 s)
  // instead of taking one each: the demo stays short, and this is how a busy channel sees them anyway.
  io.heading(
    '5. Two sends: WhatsApp reports the first delivered, then read; the second fails (131026: not on WhatsApp)',
  );
  const posted = await io.oneLiner('+919876543210 395010 shipped Out for delivery today', '395010');
  io.say(`#orders channel, as posted:\n${io.render(current(slack, posted).message)}`);
  const failing = await io.oneLiner('+919876543210 395011 shipped', '395011');
  const messageId = messageIdOf(posted);
  const report = async (payload: Parameters<typeof postCallback>[1], what: string) => {
    const answer = await postCallback(url, payload, login);
    io.say(`Kaleyra POSTs /kaleyra/callbacks ${what}: HTTP ${answer.status} in ${answer.ms.toFixed(0)} ms`);
  };
  await report(
    callbackPayload({ status: 'sent', messageId, ref: team, timestamp: whatsappTime(1) }),
    'status=sent',
  );
  await report(
    callbackPayload({ status: 'delivered', messageId, ref: team, timestamp: whatsappTime(3) }),
    'status=delivered',
  );
  await report(
    callbackPayload({
      status: 'failed',
      messageId: messageIdOf(failing),
      ref: team,
      errorCode: 131026,
      timestamp: whatsappTime(2),
    }),
    'status=failed (131026) for the second send',
  );
  const [delivered, edited] = await Promise.all([
    waitForEdit(slack, posted, '*Delivered'),
    waitForEdit(slack, failing, 'Not delivered'),
  ]);
  io.say(`#orders channel, the first message edited:\n${io.render(delivered)}`);
  await report(
    callbackPayload({ status: 'read', messageId, ref: team, timestamp: whatsappTime(60) }),
    'status=read',
  );
  io.say(
    `#orders channel, the first message edited again:\n${io.render(await waitForEdit(slack, posted, '*Read'))}`,
  );

  io.heading('6. The second send, turned into the failure');
  io.say(`#orders channel:\n${io.render(edited)}`);
  const [reply] = await slack.waitFor(() => {
    const { replies } = current(slack, failing);
    return replies.length > 0 && replies;
  }, 10_000);
  io.say(`…and a reply in its thread, mentioning the agent:\n${io.render(reply)}`);

  io.heading('7. /orderstatus history 395010 (only the asker sees it; `orderstatus history` in a terminal)');
  io.say(io.render(await io.ask('history 395010')));
}
