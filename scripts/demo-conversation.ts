/**
 * `npm run demo`, part three: the order's thread as the whole conversation. The customer answers on
 * WhatsApp (Kaleyra's incoming-message callback, the shared document's payload), the answer appears in
 * the order's thread with a Reply button, an agent answers from there (a session text), and then the
 * customer sends STOP: the thread says so, and the next update to them is refused before Kaleyra.
 */
import { REPLY_ACTION, REPLY_FIELDS, REPLY_MODAL_CALLBACK } from '../src/slack/ids.ts';
import type { FakeKaleyra } from '../test/support/fake-kaleyra.ts';
import type { FakeSlack, SlackApiCall } from '../test/support/fake-slack.ts';
import { type Login, postCallback } from '../test/support/kaleyra-callbacks.ts';
import { incomingPayload } from '../test/support/kaleyra-incoming.ts';
import { blockActionsBody, postToApp, viewSubmissionBody } from '../test/support/slack-request.ts';
import type { DemoIo } from './demo-delivery.ts';

export type ConversationDemo = {
  url: string;
  slack: FakeSlack;
  kaleyra: FakeKaleyra;
  team: string;
  login: Login;
  signingSecret: string;
  /** The order whose thread the conversation happens in (sent by the demo agent). */
  order: SlackApiCall;
};

const CUSTOMER = '919876543210';
let sequence = 0;

/** The customer's WhatsApp message to the business number, as Kaleyra delivers it. */
async function customerSays(demo: ConversationDemo, text: string, contextId?: string): Promise<number> {
  sequence += 1;
  const body = incomingPayload({
    id: `wamid.DEMO-IN-${sequence}`,
    from: CUSTOMER,
    name: 'Samuel',
    ...(contextId ? { contextId } : {}),
    message: { type: 'text', text: { body: text } },
  });
  return (await postCallback(demo.url, body, demo.login)).status;
}

/** The message posted in the order's thread that contains `needle`. */
function inThread(demo: ConversationDemo, needle: string) {
  const answer = demo.order.response as { channel: string; ts: string };
  return demo.slack.waitFor(
    (s) =>
      s
        .callsTo('chat.postMessage')
        .find((call) => call.body.thread_ts === answer.ts && JSON.stringify(call.body).includes(needle)),
    15_000,
  );
}

function replyButtonOf(call: SlackApiCall): string | undefined {
  for (const block of (call.body.blocks ?? []) as Array<{ elements?: Array<Record<string, unknown>> }>) {
    for (const element of block.elements ?? [])
      if (element.action_id === REPLY_ACTION) return String(element.value);
  }
  return undefined;
}

export async function showConversation(demo: ConversationDemo, io: DemoIo): Promise<void> {
  const { slack, kaleyra, url, team } = demo;
  const answer = demo.order.response as { channel: string; ts: string };
  const signed = { signingSecret: demo.signingSecret };

  io.heading('9. The customer answers on WhatsApp: Kaleyra delivers it to /kaleyra/callbacks (Basic login)');
  const status = await customerSays(demo, "It's not here yet <!channel>, can you check?");
  io.say(`callback answered HTTP ${status}; the message goes to the order's thread:`);
  const shown = await inThread(demo, 'not here yet');
  io.say(io.render(shown.body));

  io.heading('10. An agent clicks Reply in the thread and answers (a WhatsApp session text)');
  const value = replyButtonOf(shown) ?? '';
  const before = slack.callsTo('views.open').length;
  await postToApp(
    url,
    blockActionsBody({
      teamId: team,
      userId: 'UAGENT02',
      channelId: answer.channel,
      actionId: REPLY_ACTION,
      blockId: 'orderstatus_incoming_actions',
      value,
      messageTs: String((shown.response as { ts?: string }).ts ?? ''),
      threadTs: answer.ts,
    }),
    signed,
  );
  const opened = await slack.waitFor((s) => s.callsTo('views.open')[before], 10_000);
  const view = opened.body.view as { title: { text: string }; private_metadata: string };
  io.say(`views.open → modal “${view.title.text}” (the customer's message quoted, the 24-hour window left)`);
  const sendsBefore = kaleyra.requests.length;
  await postToApp(
    url,
    viewSubmissionBody({
      teamId: team,
      userId: 'UAGENT02',
      view: {
        callback_id: REPLY_MODAL_CALLBACK,
        private_metadata: view.private_metadata,
        state: {
          values: {
            [REPLY_FIELDS.text.blockId]: {
              [REPLY_FIELDS.text.actionId]: {
                type: 'plain_text_input',
                value: 'Sorry about that! The courier reaches you today before 6 pm.',
              },
            },
          },
        },
      },
    }),
    signed,
  );
  const replied = await inThread(demo, 'replied on WhatsApp');
  io.say(io.render(replied.body));
  io.say(`Kaleyra received: POST ${kaleyra.requests[sendsBefore]?.path}`);
  io.say(JSON.stringify(kaleyra.requests[sendsBefore]?.body, null, 2));

  io.heading('11. The customer sends STOP: the thread says so, and every send path refuses them from now on');
  await customerSays(demo, 'STOP');
  const stopped = await inThread(demo, 'opted out');
  io.say(io.render(stopped.body));
  const refusedBefore = kaleyra.requests.length;
  io.say(`the next one-liner to them: /orderstatus +${CUSTOMER} 395021 completed`);
  const refused = await io.oneLiner(`+${CUSTOMER} 395021 completed`, '395021');
  io.say(io.render(refused.body));
  io.say(`Kaleyra requests for it: ${kaleyra.requests.length - refusedBefore}`);
}
