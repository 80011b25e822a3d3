import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES } from '../../src/domain/order-status.ts';
import { buildHistoryMessage } from '../../src/slack/messages/history.ts';
import { buildAppHome } from '../../src/slack/views/app-home.ts';
import {
  buildBulkCheckingView,
  buildBulkConfirmView,
  buildBulkProblemsView,
} from '../../src/slack/views/bulk-views.ts';
import { buildHistoryView } from '../../src/slack/views/history-view.ts';
import { buildNoticeView } from '../../src/slack/views/notice-view.ts';
import { buildReplyModal } from '../../src/slack/views/reply-modal.ts';
import { buildSendModal } from '../../src/slack/views/send-modal.ts';
import { buildTemplateOptions } from '../../src/slack/views/template-picker.ts';
import type { HistoryEntry } from '../../src/storage/order-history-store.ts';
import { grownText } from '../support/arbitraries.ts';
import { checkBlocks } from '../support/block-kit-blocks.ts';
import { BlockKitChecker, isRec } from '../support/block-kit-check.ts';
import { messageIssues, viewIssues } from '../support/block-kit-surfaces.ts';

/** Every view built from outside text is one Slack opens, whatever the text (see messages-within-limits). */

const runs = { numRuns: 40 };
const accepted = (view: unknown) => expect(viewIssues(view)).toEqual([]);

const historyEntry = fc
  .record({
    reference: grownText(100),
    description: fc.option(grownText(4096), { nil: null }),
    masked: grownText(200),
    status: grownText(50),
    errorText: fc.option(grownText(3000), { nil: null }),
    actor: fc.oneof(fc.constant('UAGENT'), grownText(300)),
  })
  .map(
    (e): HistoryEntry => ({
      id: 'id-1',
      created_at: new Date('2025-03-01T10:00:00Z'),
      actor: e.actor,
      source: 'slack',
      customer_masked: e.masked,
      reference_id: e.reference,
      status: e.status,
      description: e.description,
      forced: false,
      outcome: 'failed',
      message_id: null,
      error_code: e.status,
      delivery_state: 'failed',
      whatsapp_sent_at: null,
      delivered_at: null,
      read_at: null,
      delivery_failed_at: new Date('2025-03-01T10:00:05Z'),
      delivery_error_code: e.status,
      delivery_error_text: e.errorText,
    }),
  );

describe('views within Slack’s limits, whatever the outside text', () => {
  it('the reply form, for any customer, message and order', () => {
    const latest = fc.record({
      customerName: fc.option(grownText(1000), { nil: null }),
      customerMasked: grownText(200),
      type: grownText(100),
      text: fc.option(grownText(10_000), { nil: null }),
      sentAt: fc.date({ noInvalidDate: true }),
    });
    fc.assert(
      fc.property(latest, fc.option(grownText(100), { nil: undefined }), (l, referenceId) => {
        accepted(
          buildReplyModal({
            latest: l,
            window: { closesAt: new Date(), leftMs: 1000 },
            referenceId,
            metadata: { incomingId: 'abc', channelId: 'C1', threadTs: '1.2' },
          }),
        );
      }),
      runs,
    );
  });

  it('the order-status form, prefilled with anything typed and any issues and notice', () => {
    const fields = fc.record(
      {
        to: grownText(200),
        referenceId: grownText(200),
        status: grownText(100),
        description: grownText(4096),
      },
      { requiredKeys: [] },
    );
    const issues = fc.record({
      to: grownText(500),
      referenceId: grownText(500),
      description: grownText(500),
    });
    fc.assert(
      fc.property(fields, issues, grownText(600), grownText(3000), (f, i, template, notice) => {
        accepted(
          buildSendModal({
            fields: f,
            issues: i,
            defaults: { templateName: template, languageCode: template.slice(0, 20) },
            channelId: 'C1',
            template: { kind: 'type', why: template },
            notice: notice.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
          }),
        );
      }),
      runs,
    );
  });

  it('the bulk views, for a file of any name, problems and counts', () => {
    const issue = fc.record({ line: fc.nat(1_000_000), column: grownText(200), message: grownText(3000) });
    const byStatus = fc.tuple(...ORDER_STATUSES.map(() => fc.nat(1_000_000)));
    fc.assert(
      fc.property(grownText(1000), fc.array(issue, { maxLength: 40 }), byStatus, (name, issues, counts) => {
        accepted(buildBulkCheckingView(name));
        accepted(buildBulkProblemsView({ fileName: name, issues }));
        accepted(buildBulkProblemsView({ fileName: name, fileProblem: name, issues: [] }));
        const statuses = Object.fromEntries(ORDER_STATUSES.map((status, i) => [status, counts[i] ?? 0]));
        accepted(
          buildBulkConfirmView({
            jobId: 'job-1',
            fileName: name,
            total: 1_000_000,
            customers: 999_999,
            byStatus: statuses as Record<(typeof ORDER_STATUSES)[number], number>,
            channelId: 'C1',
          }),
        );
      }),
      runs,
    );
  });

  it('an order’s history, as a modal and as a message, and a notice', () => {
    fc.assert(
      fc.property(fc.array(historyEntry, { maxLength: 30 }), grownText(100), (entries, reference) => {
        const page = { entries, more: true };
        const query = { by: 'reference' as const, referenceId: reference };
        const message = buildHistoryMessage(query, page);
        expect(messageIssues(message)).toEqual([]);
        accepted(buildHistoryView(query, page));
        accepted(buildNoticeView('Order history', message));
      }),
      runs,
    );
  });

  it('the template picker’s options, for templates of any name and language', () => {
    const template = fc.record({ name: grownText(600), languageCode: grownText(40) });
    fc.assert(
      fc.property(template, fc.array(template, { maxLength: 150 }), grownText(100), (first, rest, query) => {
        const answer = buildTemplateOptions({ ok: true, default: first, templates: [first, ...rest] }, query);
        const c = new BlockKitChecker();
        // The options answer a block_suggestion: the same option rules as a static select's.
        const select = {
          type: 'external_select',
          action_id: 'a',
          placeholder: { type: 'plain_text', text: 'p' },
        };
        checkBlocks(c, [{ type: 'actions', elements: [select] }], '/blocks', 'message');
        for (const option of answer.options) {
          expect(isRec(option)).toBe(true);
          expect(option.text.text.length).toBeLessThanOrEqual(75);
          expect(option.value?.length ?? 0).toBeLessThanOrEqual(150);
        }
        expect(answer.options.length).toBeLessThanOrEqual(100);
        expect(c.issues).toEqual([]);
      }),
      runs,
    );
  });

  it('the App Home, with anyone’s last sends and any default template', () => {
    fc.assert(
      fc.property(fc.array(historyEntry, { maxLength: 20 }), grownText(600), (entries, template) => {
        const settings = {
          sid: 'HX1',
          apiKey: 'A1',
          pod: 'in' as const,
          businessNumber: '+919876500000',
          templateName: template,
          languageCode: template.slice(0, 30),
          updatedBy: 'UADMIN',
          updatedAt: '2025-01-01T00:00:00.000Z',
        };
        accepted(
          buildAppHome({
            workspaceId: 'T1',
            callbacks: { url: 'https://orders.example.com/kaleyra/callbacks', publicUrlSet: true },
            data: {
              settings: { ok: true, value: settings },
              recent: { ok: true, value: { entries, more: true } },
              waiting: { ok: true, value: [] },
              admin: 'no',
            },
          }),
        );
      }),
      runs,
    );
  });
});
