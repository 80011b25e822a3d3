/** `npm run demo`, part two: Kaleyra's status callbacks turning an outcome into Delivered, Read, or a failure. */
import type { FakeSlack, SlackApiCall } from '../test/support/fake-slack.ts';
import { callbackPayload, type Login, postCallback } from '../test/support/kaleyra-callbacks.ts';

export type DemoIo = {
  heading(title: string): void;
  say(line: string): void;
  render(message: unknown): string;
  /** `orderstatus <args>` through the running server; resolves its output. */
  cli(args: string[]): Promise<string>;
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

async function waitForEdit(slack: FakeSlack, posted: SlackApiCall, needle: string) {
  return slack.waitFor(() => {
    const { message } = current(slack, posted);
    return message && JSON.stringify(message).includes(needle) ? message : undefined;
  }, 10_000);
}

export async function showDelivery(url: string, slack: FakeSlack, team: string, io: DemoIo): Promise<void> {
  io.heading(
    '5. The admin sets up Kaleyra’s status callbacks (CLI; Slack’s settings modal has a button too)',
  );
  const printed = await io.cli(['callbacks', 'rotate', '--team', team]);
  io.say(
    printed.trimEnd().replace(/^password: .*/m, 'password: ••••••••••••••••••••••••••••••• (shown once)'),
  );
  const username = /^username: (.+)$/m.exec(printed)?.[1] ?? '';
  const password = /^password: (.+)$/m.exec(printed)?.[1] ?? '';
  const login: Login = { username, password };

  io.heading('6. A send, then WhatsApp reports it delivered and read');
  const posted = await io.oneLiner('+919876543210 395010 shipped Out for delivery today', '395010');
  const messageId = /message_id: `?([A-Za-z0-9]+)/.exec(JSON.stringify(posted.body))?.[1] ?? '';
  io.say(`#orders channel, as posted:\n${io.render(current(slack, posted).message)}`);
  for (const [status, timestamp] of [
    ['sent', whatsappTime(1)],
    ['delivered', whatsappTime(3)],
    ['read', whatsappTime(60)],
  ] as const) {
    const answer = await postCallback(
      url,
      callbackPayload({ status, messageId, ref: team, timestamp }),
      login,
    );
    io.say(
      `Kaleyra POSTs /kaleyra/callbacks status=${status}: HTTP ${answer.status} in ${answer.ms.toFixed(0)} ms`,
    );
    if (status !== 'sent') {
      const edited = await waitForEdit(slack, posted, status === 'read' ? '*Read' : '*Delivered');
      io.say(`#orders channel, the same message edited:\n${io.render(edited)}`);
    }
  }

  io.heading('7. Another send is accepted, then fails at WhatsApp (131026: not on WhatsApp)');
  const failing = await io.oneLiner('+919876543210 395011 shipped', '395011');
  const failingId = /message_id: `?([A-Za-z0-9]+)/.exec(JSON.stringify(failing.body))?.[1] ?? '';
  const failed = await postCallback(
    url,
    callbackPayload({
      status: 'failed',
      messageId: failingId,
      ref: team,
      errorCode: 131026,
      timestamp: whatsappTime(2),
    }),
    login,
  );
  io.say(`Kaleyra POSTs status=failed (131026): HTTP ${failed.status} in ${failed.ms.toFixed(0)} ms`);
  const edited = await waitForEdit(slack, failing, 'Not delivered');
  io.say(`#orders channel, the message turned into the failure:\n${io.render(edited)}`);
  const [reply] = await slack.waitFor(() => {
    const { replies } = current(slack, failing);
    return replies.length > 0 && replies;
  }, 10_000);
  io.say(`…and a reply in its thread, mentioning the agent:\n${io.render(reply)}`);

  io.heading('8. /orderstatus history 395010 (only the asker sees it; `orderstatus history` in a terminal)');
  io.say(io.render(await io.ask('history 395010')));
}
