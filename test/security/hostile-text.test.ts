import { Writable } from 'node:stream';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { readBasicAuth } from '../../src/callbacks/basic-auth.ts';
import { readCallbackBody, readCallbackQuery } from '../../src/callbacks/parse-callback.ts';
import { readIncomingBody } from '../../src/callbacks/parse-incoming.ts';
import { readIncomingQuery } from '../../src/callbacks/parse-incoming-query.ts';
import { loadServerConfig } from '../../src/config.ts';
import { readBulkCsv } from '../../src/domain/bulk-csv.ts';
import { callbackUrl } from '../../src/domain/callback-url.ts';
import { cleanCustomerText } from '../../src/domain/customer-text.ts';
import { readHistoryQuery } from '../../src/domain/history-query.ts';
import { maskPhoneNumber } from '../../src/domain/mask-phone.ts';
import { findOrderHints } from '../../src/domain/order-hints.ts';
import { validateOrderStatus } from '../../src/domain/order-status.ts';
import { parseSlashCommand } from '../../src/domain/parse-command.ts';
import {
  fillSavedReply,
  parseSavedReplyText,
  previewSavedReply,
  readSavedReplyName,
} from '../../src/domain/saved-reply.ts';
import { resolveKaleyraBaseUrl } from '../../src/kaleyra/pods.ts';
import { KaleyraFailureSchema, KaleyraSuccessBodySchema } from '../../src/kaleyra/response-schema.ts';
import { createLogger } from '../../src/logger.ts';
import { resultFileName } from '../../src/slack/bulk/bulk-reporter.ts';
import { messageTextOf } from '../../src/slack/message-text.ts';
import { escapeMrkdwn } from '../../src/slack/messages/mrkdwn.ts';

/**
 * Every parser and pattern that reads text from outside (Slack payloads and messages, CSV cells,
 * callback bodies and query strings, Kaleyra answers, env values) fed 10,000-character hostile shapes:
 * long runs of one unit (spaces, separators, `#`, dashes, dots, slashes, digits with spaces, nested
 * quotes, angle brackets, pipes), with a few characters between them. A pattern that backtracks more
 * than linearly takes seconds to minutes on these (the order-hint patterns did), holding the event loop:
 * the test then does not finish. Each must also still answer (never throw).
 */
const LENGTH = 10_000;
const UNITS = [
  ' ',
  '\t',
  '\n',
  '#',
  '-',
  '.',
  '/',
  '_',
  ':',
  '|',
  '<',
  '>',
  '+',
  '9 ',
  '9',
  '+9',
  '(9) ',
  '"',
  "'",
  '“‘«',
  '"\'“',
  'order ',
  'A-',
  'a|',
  '<a|',
  '\\',
  '=',
  'wamid.',
  'ORD-',
  '{',
  '{name}',
  '{{',
];
const run = (unit: string, length = LENGTH) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** A hostile text: a head, a 10,000-character run of one unit, a tail (one character that ends a match). */
const hostile = fc
  .tuple(
    fc.constantFrom('', 'order', 'order no', '#', 'Basic ', 'history ', '<', '+91', 'ORD', 'https://x'),
    fc.constantFrom(...UNITS),
    fc.constantFrom('', '!', 'a', '1', '>', '"', '\u0000', '/x'),
  )
  .map(([head, unit, tail]) => `${head}${run(unit, LENGTH - head.length - tail.length)}${tail}`);

/** Every shape of the cross product of units and a few heads and tails, checked by fast-check. */
function eachHostile(name: string, check: (text: string) => void) {
  it(`${name} finishes on 10,000-character hostile text`, () => {
    fc.assert(fc.property(hostile, check), { numRuns: 60 });
    // And the plain runs, every one.
    for (const unit of UNITS) check(run(unit));
  });
}

const nothingThrows = (work: () => unknown) => expect(work).not.toThrow();

describe('text from outside, matched in linear time', () => {
  eachHostile('the slash command parser', (text) => {
    expect(parseSlashCommand(text).kind).toMatch(/^(help|config|bulk|history|send|modal)$/);
  });
  eachHostile('the history query', (text) => {
    nothingThrows(() => readHistoryQuery(text));
  });
  eachHostile('a message shortcut’s text and its order hints', (text) => {
    const read = messageTextOf({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
    nothingThrows(() => findOrderHints(read, '+919876500000'));
  });
  eachHostile('order-status validation (number, reference, description)', (text) => {
    expect(validateOrderStatus({ to: text, referenceId: text, status: text, description: text }).ok).toBe(
      false,
    );
  });
  eachHostile('a CSV cell', (text) => {
    const csv = `phone,reference,status,description\n+919876543210,"${text.replaceAll('"', '""')}",shipped,"${text.replaceAll('"', '""')}"\n`;
    nothingThrows(() => readBulkCsv(csv));
  });
  eachHostile('a callback body (status, customer message, event)', (text) => {
    const body = {
      meta_object: {
        field: text,
        value: {
          statuses: [{ id: text, status: text, timestamp: text }],
          messages: [{ id: text, from: text, timestamp: text, type: text, text: { body: text } }],
          contacts: [{ profile: { name: text }, wa_id: text }],
          event: text,
          message_template_name: text,
        },
      },
      extra_info: { media_url: text, reply_to: text, ref2: text },
      status: text,
    };
    nothingThrows(() => readCallbackBody(body));
    nothingThrows(() => readIncomingBody(body));
  });
  eachHostile('a callback query string', (text) => {
    const query = new URLSearchParams({
      status: text,
      id: text,
      timestamp: text,
      from: text,
      created_at: text,
    });
    nothingThrows(() => readCallbackQuery(query));
    nothingThrows(() =>
      readIncomingQuery(new URLSearchParams({ from: '919876543210', body: text, created_at: text })),
    );
  });
  eachHostile('an Authorization header', (text) => {
    nothingThrows(() => readBasicAuth(text));
  });
  eachHostile('a Kaleyra answer', (text) => {
    nothingThrows(() =>
      v.safeParse(KaleyraFailureSchema, { code: text, message: text, error: { [text]: text } }),
    );
    nothingThrows(() => v.safeParse(KaleyraSuccessBodySchema, { code: text, data: { message_id: text } }));
  });
  eachHostile('env values (PUBLIC_URL, KALEYRA_BASE_URL, tokens)', (text) => {
    const env = {
      SLACK_SIGNING_SECRET: text,
      SLACK_BOT_TOKEN: `xoxb-${text}`,
      PUBLIC_URL: `https://x${text}`,
      KALEYRA_BASE_URL: `https://x${text}`,
      DATABASE_URL: `postgres://${text}`,
      METRICS_TOKEN: text,
      PORT: text,
    };
    try {
      loadServerConfig(env);
    } catch {
      // A ConfigError naming the problem is the answer here; only the time matters.
    }
    nothingThrows(() => callbackUrl(`https://x${text}`));
    nothingThrows(() => resolveKaleyraBaseUrl('in', `https://x${text}`));
    nothingThrows(() => resultFileName({ fileName: text, id: 'job-1' }));
  });
  eachHostile('a saved reply’s name and text, filled in with outside values, and its preview', (text) => {
    nothingThrows(() => readSavedReplyName(text));
    nothingThrows(() => parseSavedReplyText(text));
    const values = { name: text, order: text, status: text, agent: text };
    nothingThrows(() => fillSavedReply(text, values));
    nothingThrows(() => fillSavedReply(`Hi {name}, {order} {status} {agent}`, values));
    expect(previewSavedReply(text, 75).length).toBeLessThanOrEqual(75);
  });
  eachHostile('a customer’s text made safe for Slack, and a number masked', (text) => {
    expect(escapeMrkdwn(cleanCustomerText(text).text)).not.toContain('<');
    nothingThrows(() => maskPhoneNumber(text));
  });
  eachHostile('the logger’s scrubbing of a line', (text) => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    logger.info({ detail: text }, text);
    expect(lines).toHaveLength(1);
  });
});
