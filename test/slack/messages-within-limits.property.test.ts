import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCustomerMessage } from '../../src/slack/conversation/customer-message.ts';
import { buildAccountAnnouncement } from '../../src/slack/messages/account-announcement.ts';
import { buildBulkProgressMessage } from '../../src/slack/messages/bulk-progress.ts';
import { buildDeliveryFailureMessage, buildFailureNotice } from '../../src/slack/messages/delivery-status.ts';
import { escapeMrkdwn } from '../../src/slack/messages/mrkdwn.ts';
import { buildSendResultMessage } from '../../src/slack/messages/send-result.ts';
import { grownText } from '../support/arbitraries.ts';
import { messageIssues } from '../support/block-kit-surfaces.ts';

/**
 * Every message built from outside text is one Slack accepts, whatever the text: hostile pieces and the
 * characters that grow when escaped (`&` becomes five), at and past every length the app allows.
 */

const accepted = (message: { text: string; blocks: unknown[] }) => {
  expect(messageIssues(message)).toEqual([]);
  expect(message.text.length).toBeGreaterThan(0);
};

const describedFailure = fc.record({
  code: grownText(60),
  // Descriptions are built escaped (describe/): hostile text inside them is already inert.
  summary: grownText(3000).map(escapeMrkdwn),
  nextStep: grownText(3000).map(escapeMrkdwn),
  retryable: fc.boolean(),
});

const update = fc.record({
  customerMasked: grownText(200),
  referenceId: grownText(100),
  status: grownText(50),
  description: grownText(4096),
  templateName: grownText(600),
  languageCode: grownText(40),
});
const reply = fc.record({
  kind: fc.constant('reply' as const),
  customerMasked: grownText(200),
  body: grownText(4096),
});
const subject = fc.oneof(update, reply);
const runs = { numRuns: 60 };

describe('messages within Slack’s limits, whatever the outside text', () => {
  it('a send’s outcome: sent, refused, or a duplicate, for an update or a reply', () => {
    fc.assert(
      fc.property(
        subject,
        grownText(300),
        describedFailure,
        grownText(2100),
        (sent, id, failure, payload) => {
          const base = { userId: 'UAGENT', update: sent };
          const success = buildSendResultMessage({
            ...base,
            outcome: { ok: true, messageId: id || 'A1', warnings: [escapeMrkdwn(id)] },
          });
          accepted(success);
          expect(JSON.stringify(success)).toContain('message_id');
          accepted(
            buildSendResultMessage({
              ...base,
              outcome: { ok: false, error: failure, retryPayload: payload },
            }),
          );
          const previous = { state: 'sent' as const, at: new Date().toISOString(), by: id, messageId: id };
          accepted(
            buildSendResultMessage({
              ...base,
              outcome: { ok: false, duplicate: previous, resendPayload: payload },
            }),
          );
        },
      ),
      runs,
    );
  });

  it('a delivery failure, in the outcome and as the notice in the thread or a DM', () => {
    fc.assert(
      fc.property(subject, grownText(300), describedFailure, (sent, id, failure) => {
        const input = {
          userId: 'UAGENT',
          update: sent,
          messageId: id,
          failure,
          at: new Date().toISOString(),
        };
        accepted(buildDeliveryFailureMessage(input));
        accepted(buildFailureNotice(input, 'thread'));
        accepted(buildFailureNotice(input, 'dm'));
      }),
      runs,
    );
  });

  it('a customer’s message of any type, name, caption, media and place', () => {
    const type = fc.constantFrom(
      'text',
      'button',
      'interactive',
      'reaction',
      'contacts',
      'location',
      'unsupported',
      'image',
      'document',
      'audio',
      'video',
      'sticker',
    );
    const input = fc.record({
      incomingId: fc.uuid(),
      customerName: fc.option(grownText(1000), { nil: undefined }),
      customerMasked: grownText(200),
      type: fc.oneof(type, grownText(100)),
      text: fc.option(grownText(10_000), { nil: undefined }),
      media: fc.record({ mimeType: grownText(300), filename: grownText(1000), url: grownText(3000) }),
      location: fc.record({
        latitude: fc.double({ min: -90, max: 90, noNaN: true }),
        longitude: fc.double({ min: -180, max: 180, noNaN: true }),
        name: grownText(1000),
        address: grownText(1000),
      }),
      sentAt: fc.date({ noInvalidDate: true }),
      keyword: fc.constantFrom(undefined, 'opt_out' as const, 'opt_in' as const),
      referenceId: fc.option(grownText(100), { nil: undefined }),
      mention: fc.constantFrom(undefined, 'UAGENT', '<!channel>'),
    });
    fc.assert(
      fc.property(input, (message) => {
        accepted(buildCustomerMessage(message));
      }),
      runs,
    );
  });

  it('a bulk job’s progress, from a file of any name', () => {
    const counts = fc.record({
      pending: fc.nat(100_000),
      sent: fc.nat(100_000),
      already_sent: fc.nat(100_000),
      failed: fc.nat(100_000),
      unknown: fc.nat(100_000),
      canceled: fc.nat(100_000),
    });
    const job = fc.record({
      id: fc.uuid(),
      state: fc.constantFrom('draft' as const, 'queued' as const, 'done' as const, 'canceled' as const),
      total: fc.nat(100_000),
      createdBy: fc.oneof(fc.constant('UAGENT'), grownText(300)),
      fileName: fc.option(grownText(1000), { nil: null }) as fc.Arbitrary<never>,
      canceledBy: fc.option(grownText(300), { nil: null }) as fc.Arbitrary<never>,
    });
    fc.assert(
      fc.property(job, counts, (j, c) => {
        accepted(buildBulkProgressMessage({ job: j, counts: c }));
      }),
      runs,
    );
  });

  it('an announcement of a template or number change, whatever Meta named and said', () => {
    const change = fc.record({
      kind: fc.constantFrom('template' as const, 'number' as const),
      subject: grownText(1000),
      event: grownText(100),
      stopped: fc.boolean(),
      reason: grownText(2000),
      currentLimit: grownText(100),
      since: fc.date({ noInvalidDate: true }),
    });
    fc.assert(
      fc.property(change, (c) => {
        accepted(buildAccountAnnouncement(c as never));
      }),
      runs,
    );
  });
});
