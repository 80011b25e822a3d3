import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { beforeEach, describe, expect, it } from 'vitest';
import { MEDIA_LINK_TTL_MS, MEDIA_PATH, mediaLinkUrl, sealMediaLink } from '../../src/domain/media-link.ts';
import { checkMediaFile, type MediaAttachment } from '../../src/domain/media-rules.ts';
import { storageModes, useTestApp } from '../support/app-driver.ts';
import type { HostedFile } from '../support/fake-slack.ts';
import { fetchAsMeta } from '../support/kaleyra-media.ts';
import { BOT_TOKEN } from '../support/start-app.ts';

const PUBLIC_URL = 'https://orderstatus.example.com';
const IDLE_MS = 3_000;
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * `GET {PUBLIC_URL}/media/<token>` through the running app, as Kaleyra or Meta fetch it: the file's
 * bytes streamed from the fake Slack for the hour the link lasts, and nothing else.
 */
describe.each(await storageModes())('the media link route on the %s', (_name, storage) => {
  let skew = 0;
  const t = useTestApp(storage, {
    env: { PUBLIC_URL },
    media: { now: () => Date.now() + skew, firstByteTimeoutMs: 3_000, idleTimeoutMs: IDLE_MS },
  });
  beforeEach(() => {
    skew = 0;
    t.slack.restoreResponse('files.info');
  });

  /** A file in the fake Slack and the link the app would give Kaleyra for it. */
  function attach(
    bytes: Buffer,
    name = 'INV-0042.pdf',
  ): { file: HostedFile; link: string; attachment: MediaAttachment } {
    const file = t.slack.addFile(bytes, { name });
    const checked = checkMediaFile({ fileId: file.id, name, mimeType: file.mimetype, size: bytes.length });
    if (!checked.ok) throw new Error(`not a media file: ${checked.problem.kind}`);
    const token = sealMediaLink(t.server.services.sealer, t.team, checked.value, Date.now());
    return { file, link: mediaLinkUrl(PUBLIC_URL, token), attachment: checked.value };
  }

  it('answers the file’s exact bytes with its type, length, name and how long it may be kept', async () => {
    const bytes = pdf(2_500_000);
    const { file, link } = attach(bytes, 'Rechnung für März.pdf');
    const got = await fetchAsMeta(link, t.url);
    expect(got.status).toBe(200);
    expect(sha(got.bytes)).toBe(sha(bytes));
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-length')).toBe(String(bytes.length));
    expect(got.headers.get('content-disposition')).toBe(
      'attachment; filename="Rechnung f?r M?rz.pdf"; filename*=UTF-8\'\'Rechnung%20f%C3%BCr%20M%C3%A4rz.pdf',
    );
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(got.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(3_500);
    expect(maxAge).toBeLessThanOrEqual(3_600);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('referrer-policy')).toBe('no-referrer');
    // Fetched from Slack with the workspace's bot token, once per request.
    expect(file.downloads).toEqual([{ token: BOT_TOKEN }]);
    expect((await fetchAsMeta(link, t.url)).bytes.length).toBe(bytes.length);
    expect(file.downloads).toHaveLength(2);
  });

  it('answers HEAD with the same headers and no body, without downloading the file', async () => {
    const { file, link } = attach(pdf(10_000));
    const head = await fetchAsMeta(link, t.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('10000');
    expect(head.headers.get('content-type')).toBe('application/pdf');
    expect(head.bytes.length).toBe(0);
    expect(file.downloads).toEqual([]);
    expect(t.slack.callsTo('files.info')).toHaveLength(1);
  });

  it('answers 410 once the hour is over, and only lets it be kept for what is left before', async () => {
    const { link } = attach(pdf(1_000));
    skew = MEDIA_LINK_TTL_MS - 2_000;
    const late = await fetchAsMeta(link, t.url);
    expect(late.status).toBe(200);
    expect(Number(/max-age=(\d+)/.exec(late.headers.get('cache-control') ?? '')?.[1])).toBeLessThanOrEqual(2);
    skew = MEDIA_LINK_TTL_MS;
    const gone = await fetchAsMeta(link, t.url);
    expect(gone.status).toBe(410);
    expect(gone.headers.get('cache-control')).toBe('no-store');
    expect(gone.bytes.toString()).not.toContain('%PDF');
  });

  it('answers 404 to a forged or altered token, one moved to another workspace, and no token', async () => {
    const { link, file } = attach(pdf(1_000));
    const token = new URL(link).pathname.slice(MEDIA_PATH.length);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const tries = [
      `${token.slice(0, -1)}${last}`,
      token.replace(t.team, 'TOTHER0001'),
      `${t.team}.v1.k00000000.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA`,
      'x',
      '',
      `${token}/more`,
    ];
    for (const forged of tries) {
      const got = await fetchAsMeta(`${PUBLIC_URL}${MEDIA_PATH}${forged}`, t.url);
      expect(got.status, forged).toBe(404);
      expect(got.bytes.toString()).not.toContain('%PDF');
    }
    expect(file.downloads).toEqual([]);
    // A link sealed by another deployment (another ENCRYPTION_KEY) names nothing here either.
    expect(t.slack.callsTo('files.info')).toEqual([]);
  });

  it('answers 405 to anything but GET and HEAD, naming them', async () => {
    const { link } = attach(pdf(1_000));
    const url = new URL(new URL(link).pathname, t.url);
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const answer = await fetch(url, { method });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('GET, HEAD');
    }
  });

  it('answers 404 when Slack no longer has the file, or has another file under its id', async () => {
    const deleted = attach(pdf(1_000));
    t.slack.deleteFile(deleted.file.id);
    expect((await fetchAsMeta(deleted.link, t.url)).status).toBe(404);
    const other = attach(pdf(1_000));
    other.file.bytes = pdf(2_000);
    expect((await fetchAsMeta(other.link, t.url)).status).toBe(404);
    expect(other.file.downloads).toEqual([]);
  });

  it('answers 502 when Slack refuses, and 504 when it is too slow to start', async () => {
    const { link } = attach(pdf(1_000));
    t.slack.setResponse('files.info', { ok: false, error: 'internal_error' });
    expect((await fetchAsMeta(link, t.url)).status).toBe(502);
    let answered = false;
    t.slack.setResponse('files.info', async () => {
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      answered = true;
      return { ok: false, error: 'too_late' };
    });
    const slow = await fetchAsMeta(link, t.url);
    expect(slow.status).toBe(504);
    expect(answered).toBe(false);
  });

  it('streams: the first bytes arrive while Slack is still sending, and a stalled download is cut', async () => {
    const bytes = pdf(200_000);
    const { file, link } = attach(bytes);
    file.stallAfter = 64_000;
    const received = await new Promise<{ status: number; bytes: Buffer; error: boolean }>((resolve) => {
      const chunks: Buffer[] = [];
      const req = request(new URL(new URL(link).pathname, t.url), (res) => {
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', () =>
          resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks), error: true }),
        );
        res.on('close', () =>
          resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks), error: !res.complete }),
        );
      });
      req.end();
    });
    expect(received.status).toBe(200);
    expect(received.error).toBe(true);
    expect(received.bytes.length).toBe(64_000);
    expect(received.bytes.equals(bytes.subarray(0, 64_000))).toBe(true);
  });

  it('never logs the token, the file’s name or the bot token', async () => {
    const { link } = attach(pdf(1_000), 'Secret-Customer-Name.pdf');
    const token = new URL(link).pathname.slice(MEDIA_PATH.length);
    await fetchAsMeta(link, t.url);
    skew = MEDIA_LINK_TTL_MS;
    await fetchAsMeta(link, t.url);
    const logs = t.logs.join('\n');
    expect(logs).toContain('media file served');
    expect(logs).not.toContain(token.slice(t.team.length + 1, t.team.length + 40));
    expect(logs).not.toContain('Secret-Customer-Name');
    expect(logs).not.toContain(BOT_TOKEN);
  });
});
