import { createHash, randomBytes } from 'node:crypto';
import { webApi } from '@slack/bolt';
import { beforeEach, describe, expect, it } from 'vitest';
import { describeError } from '../../src/describe/describe-error.ts';
import { PLAIN_SURFACE } from '../../src/describe/surface.ts';
import { MEDIA_PATH } from '../../src/domain/media-link.ts';
import type { MediaFile } from '../../src/domain/media-rules.ts';
import type { Actor } from '../../src/domain/order-update.ts';
import { inspectSlackFile, trustedFileOrigins } from '../../src/slack/files/slack-file.ts';
import { createIncomingLists } from '../../src/storage/incoming-lists.ts';
import { storageModes, useTestApp } from '../support/app-driver.ts';
import { runCliProcess } from '../support/cli-process.ts';
import { sendUpdate } from '../support/delivery-driver.ts';
import { acceptedAs, KALEYRA_RESPONSES } from '../support/fake-kaleyra.ts';
import type { Login } from '../support/kaleyra-callbacks.ts';
import { fetchAsMeta, mediaOf, mediaSends, sessionMediaIssues } from '../support/kaleyra-media.ts';
import { ago, cliBeside, customerWrites } from '../support/replies-driver.ts';
import { BOT_TOKEN, type StorageMode } from '../support/start-app.ts';

const PUBLIC_URL = 'https://orderstatus.example.com';
const AGENT: Actor = { kind: 'slack', userId: 'UAGENT', channelId: 'CORDERS' };
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);
const png = (size: number) =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(size - 8)]);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * A photo or a PDF sent from Slack as a WhatsApp session media message: the file as the Reply form
 * reads it (files.info and its first bytes, with the bot token), the same send steps as a text, the
 * sealed link in Kaleyra's payload, and Kaleyra fetching that link and getting the agent's exact bytes.
 */
describe.each(await storageModes())('replying with a file on the %s', (_name, storage) => {
  const t = useTestApp(storage, { env: { PUBLIC_URL } });
  let login: Login;
  beforeEach(async () => {
    login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
  });

  /** The file as the Reply form will read it: files.info and a look at its first bytes. */
  async function attached(bytes: Buffer, name: string): Promise<MediaFile> {
    const file = t.slack.addFile(bytes, { name });
    const client = new webApi.WebClient(undefined, { slackApiUrl: t.slack.url });
    const inspected = await inspectSlackFile(client, file.id, {
      token: BOT_TOKEN,
      trustedOrigins: trustedFileOrigins(t.slack.url),
    });
    if (!inspected.ok) throw new Error(`the file was refused: ${inspected.problem.kind}`);
    return inspected.value;
  }
  const reply = (incomingId: string, file: MediaFile, caption?: string) =>
    t.server.services.sessionText.replyWithFile({
      workspaceId: t.team,
      actor: AGENT,
      incomingId,
      file,
      caption,
    });
  const journal = () =>
    t.server.services.db.query<Record<string, unknown>>(
      `SELECT id, kind, body, media_name, media_type, parent_id, outcome, message_id FROM send_journal
        WHERE workspace_id = $1 AND kind <> 'order_status' ORDER BY created_at`,
      [t.team],
    );

  it('sends a PDF as a document with its name and caption, and Kaleyra’s fetch of the link gets its bytes', async () => {
    const order = await sendUpdate(t, 'MEDIA-1', 'AMEDIAORDER0000001');
    const incomingId = await customerWrites(t, login, { workspaceId: t.team, sentAgoMs: ago.hours(2) });
    const bytes = pdf(1_200_000);
    const file = await attached(bytes, 'INV-0042.pdf');
    t.kaleyra.respondWith(acceptedAs('AMEDIAREPLY0000001'));

    const result = await reply(incomingId, file, '  Invoice for order 0042 ');
    expect(result).toMatchObject({ ok: true, messageId: 'AMEDIAREPLY0000001' });
    const [send] = mediaSends(t.kaleyra);
    expect(send?.refusal).toBeUndefined();
    expect(send && sessionMediaIssues(send)).toEqual([]);
    const [row] = await journal();
    expect(send?.body).toMatchObject({
      messaging_object: {
        to: '+919876543210',
        type: 'document',
        document: { filename: 'INV-0042.pdf', caption: 'Invoice for order 0042' },
      },
      extra_info: { ref: t.team, ref1: 'UAGENT', ref2: row?.id },
    });
    const link = String(send && mediaOf(send)?.link);
    expect(link.startsWith(`${PUBLIC_URL}${MEDIA_PATH}${t.team}.`)).toBe(true);
    expect(link).not.toContain('INV-0042');

    // Kaleyra (or Meta) fetches the link when the message is sent: the agent's exact bytes.
    const fetched = await fetchAsMeta(link, t.url);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe('application/pdf');
    expect(sha(fetched.bytes)).toBe(sha(bytes));

    expect(row).toMatchObject({
      kind: 'media',
      body: 'Invoice for order 0042',
      media_name: 'INV-0042.pdf',
      media_type: 'application/pdf',
      parent_id: order.attemptId,
      outcome: 'sent',
      message_id: 'AMEDIAREPLY0000001',
    });
    // The order's conversation shows the file among its replies.
    const page = await t.server.services.conversations.list(
      t.team,
      { by: 'reference', referenceId: 'MEDIA-1' },
      10,
    );
    expect(page.entries.map((e) => (e.direction === 'out' ? (e.media_name ?? e.kind) : 'in'))).toEqual([
      'in',
      'order_status',
      'INV-0042.pdf',
    ]);
    const history = await runCliProcess(
      ['history', '--team', t.team, '--ref', 'MEDIA-1'],
      cliBeside(t, storage as StorageMode),
    );
    expect(history.stderr).toBe('');
    expect(history.stdout).toContain(
      'replied to +91 •••• 3210 (order MEDIA-1) with the file INV-0042.pdf (application/pdf)  message_id AMEDIAREPLY0000001\n  > Invoice for order 0042\n',
    );
  });

  it('sends a photo as an image, without a filename and, with no text, without a caption', async () => {
    const incomingId = await customerWrites(t, login, { workspaceId: t.team, sentAgoMs: ago.minutes(5) });
    // The customer waits for an answer (their message was shown in Slack) until the photo goes.
    await t.server.services.db.query(`UPDATE incoming_messages SET post_state = 'thread' WHERE id = $1`, [
      incomingId,
    ]);
    const waiting = () => createIncomingLists(t.server.services.db).waiting(t.team, 10);
    expect(await waiting()).toHaveLength(1);
    const bytes = png(300_000);
    const result = await reply(incomingId, await attached(bytes, 'parcel.png'), '   ');
    expect(result.ok).toBe(true);
    expect(await waiting()).toEqual([]);
    const [send] = mediaSends(t.kaleyra);
    expect(send && sessionMediaIssues(send)).toEqual([]);
    expect(send?.body).toMatchObject({ messaging_object: { type: 'image' } });
    const media = send && mediaOf(send);
    expect(Object.keys(media ?? {})).toEqual(['link']);
    const fetched = await fetchAsMeta(String(media?.link), t.url);
    expect(fetched.headers.get('content-type')).toBe('image/png');
    expect(fetched.bytes.equals(bytes)).toBe(true);
    expect(await journal()).toMatchObject([{ kind: 'media', body: null, media_name: 'parcel.png' }]);
  });

  it('refuses a type WhatsApp does not take, an oversized photo and a long caption, saying why, sending nothing', async () => {
    const incomingId = await customerWrites(t, login, { workspaceId: t.team, sentAgoMs: ago.minutes(5) });
    const gif = { fileId: 'F0GIF', name: 'dance.gif', mimeType: 'image/gif', size: 2_000 };
    // As Slack describes it (inspectSlackFile refuses it before any download: test/slack/slack-file.test.ts).
    const big = { fileId: 'F0BIG', name: 'parcel.png', mimeType: 'image/png', size: 5_000_001 };
    const fine = await attached(pdf(2_000), 'INV-0043.pdf');
    const cases: Array<[Promise<Awaited<ReturnType<typeof reply>>>, string, string]> = [
      [
        reply(incomingId, gif),
        'FILE_TYPE_NOT_ALLOWED',
        '“dance.gif” is image/gif, which orderstatus does not send',
      ],
      [
        reply(incomingId, big),
        'FILE_TOO_LARGE',
        '“parcel.png” is 5,000,001 bytes; WhatsApp takes a PNG of at most 5,000,000 bytes (5 MB)',
      ],
      [reply(incomingId, fine, 'x'.repeat(1_025)), 'CAPTION_INVALID', 'at most 1,024 characters'],
    ];
    for (const [pending, code, words] of cases) {
      const result = await pending;
      expect(result.ok).toBe(false);
      const description = result.ok ? undefined : describeError(result.error, PLAIN_SURFACE);
      expect(description?.code).toBe(code);
      expect(description?.summary).toContain(words);
      expect(description?.summary).toContain('nothing was sent');
    }
    expect(t.kaleyra.requests).toEqual([]);
    expect(await journal()).toEqual([]);
  });

  it('refuses once WhatsApp’s 24-hour window has closed, nothing reaching Kaleyra', async () => {
    const incomingId = await customerWrites(t, login, {
      workspaceId: t.team,
      sentAgoMs: ago.minutes(24 * 60 + 1),
    });
    const result = await reply(incomingId, await attached(pdf(2_000), 'INV-0044.pdf'), 'Your invoice');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : describeError(result.error, PLAIN_SURFACE).code).toBe('WINDOW_CLOSED');
    expect(t.kaleyra.requests).toEqual([]);
  });

  it('sends the same file with the same caption once within the duplicate window; another caption goes', async () => {
    const incomingId = await customerWrites(t, login, { workspaceId: t.team, sentAgoMs: ago.minutes(5) });
    const file = await attached(pdf(2_000), 'INV-0045.pdf');
    expect((await reply(incomingId, file, 'Your invoice')).ok).toBe(true);
    const again = await reply(incomingId, file, 'Your invoice');
    expect(again.ok ? '' : describeError(again.error, PLAIN_SURFACE).code).toBe('DUPLICATE');
    expect((await reply(incomingId, file, 'Your invoice, corrected')).ok).toBe(true);
    // The same words as a text reply are a text of their own, not this file.
    const text = await t.server.services.sessionText.replyToMessage({
      workspaceId: t.team,
      actor: AGENT,
      incomingId,
      text: 'Your invoice',
    });
    expect(text.ok).toBe(true);
    expect(mediaSends(t.kaleyra)).toHaveLength(2);
  });

  it('frees the file for another try when Kaleyra refuses it, and journals the refusal', async () => {
    const incomingId = await customerWrites(t, login, { workspaceId: t.team, sentAgoMs: ago.minutes(5) });
    const file = await attached(pdf(2_000), 'INV-0046.pdf');
    t.kaleyra.respondWith(KALEYRA_RESPONSES.wa500);
    const refused = await reply(incomingId, file, 'Invoice');
    expect(refused.ok ? '' : describeError(refused.error, PLAIN_SURFACE).code).toBe('WA500');
    t.kaleyra.respondWith(acceptedAs('AMEDIAREPLY0000046'));
    expect(await reply(incomingId, file, 'Invoice')).toMatchObject({
      ok: true,
      messageId: 'AMEDIAREPLY0000046',
    });
    expect((await journal()).map((row) => row.outcome)).toEqual(['failed', 'sent']);
  });
});

describe.each(await storageModes())(
  'replying with a file without PUBLIC_URL, on the %s',
  (_name, storage) => {
    const t = useTestApp(storage);

    it('refuses, saying PUBLIC_URL is needed for WhatsApp to fetch the file', async () => {
      const login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
      const incomingId = await customerWrites(t, login, { workspaceId: t.team, sentAgoMs: ago.minutes(5) });
      const result = await t.server.services.sessionText.replyWithFile({
        workspaceId: t.team,
        actor: AGENT,
        incomingId,
        file: { fileId: 'F1', name: 'a.pdf', mimeType: 'application/pdf', size: 10 },
      });
      expect(result.ok ? '' : describeError(result.error, PLAIN_SURFACE).code).toBe('NO_PUBLIC_URL');
      expect(t.kaleyra.requests).toEqual([]);
    });
  },
);
