import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inspectSlackFile, readSlackFileInfo, trustedFileOrigins } from '../../src/slack/files/slack-file.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { fixtureText } from '../support/published-samples.ts';

const TOKEN = 'xoxb-T1-file-reader-0000';
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4_000, 7)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2_000, 1)]);

describe('reading an attached file from Slack', () => {
  let slack: FakeSlack;
  let client: webApi.WebClient;
  let origins: string[];
  beforeAll(async () => {
    slack = await startFakeSlack();
    client = new webApi.WebClient(undefined, { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
    origins = trustedFileOrigins(slack.url);
  });
  afterAll(() => slack.close());
  beforeEach(() => {
    slack.clear();
    slack.restoreResponse('files.info');
  });
  const inspect = (fileId: string) =>
    inspectSlackFile(client, fileId, { token: TOKEN, trustedOrigins: origins });

  it('answers files.info as Slack’s published sample, with the file’s own values in it', async () => {
    const file = slack.addFile(PDF, { name: 'INV-0042.pdf' });
    const answer = (await client.files.info({ token: TOKEN, file: file.id })) as unknown as Record<
      string,
      unknown
    >;
    const published = JSON.parse(fixtureText('slack/files-info.json')) as { file: Record<string, unknown> };
    const { response_metadata: _ignored, ...rest } = answer;
    expect(Object.keys(rest).sort()).toEqual(
      Object.keys(published)
        .filter((k) => k !== 'response_metadata')
        .sort(),
    );
    expect(Object.keys(answer.file as object).sort()).toEqual(Object.keys(published.file).sort());
    expect(answer.file).toMatchObject({
      id: file.id,
      name: 'INV-0042.pdf',
      mimetype: 'application/pdf',
      filetype: 'pdf',
      size: PDF.length,
    });
  });

  it('describes the file and checks its first bytes, with the bot token, reading no more than that', async () => {
    const file = slack.addFile(PDF, { name: 'INV-0042.pdf' });
    expect(await inspect(file.id)).toEqual({
      ok: true,
      value: { fileId: file.id, name: 'INV-0042.pdf', mimeType: 'application/pdf', size: PDF.length },
    });
    expect(slack.callsTo('files.info')[0]?.token).toBe(TOKEN);
    expect(file.downloads).toEqual([{ token: TOKEN }]);
  });

  it('refuses a file whose bytes are not its type (a PDF renamed .jpg), and a type WhatsApp does not take', async () => {
    const renamed = slack.addFile(PDF, { name: 'parcel.jpg' });
    expect(await inspect(renamed.id)).toEqual({
      ok: false,
      problem: { kind: 'content_mismatch', name: 'parcel.jpg', mimeType: 'image/jpeg' },
    });
    const word = slack.addFile('PK…', { name: 'invoice.docx' });
    expect(await inspect(word.id)).toMatchObject({
      ok: false,
      problem: { kind: 'type', name: 'invoice.docx' },
    });
    // Refused on Slack's description alone: the download is never opened.
    expect(word.downloads).toEqual([]);
    const huge = slack.addFile(Buffer.alloc(5_000_001), { name: 'huge.png' });
    expect(await inspect(huge.id)).toMatchObject({
      ok: false,
      problem: { kind: 'too_large', size: 5_000_001 },
    });
    expect(huge.downloads).toEqual([]);
    const photo = slack.addFile(JPEG, { name: 'parcel.jpeg' });
    expect(await inspect(photo.id)).toMatchObject({ ok: true, value: { mimeType: 'image/jpeg' } });
  });

  it('says when Slack no longer has the file, or the app may not read files', async () => {
    const file = slack.addFile(PDF, { name: 'INV-0042.pdf' });
    slack.deleteFile(file.id);
    expect(await inspect(file.id)).toEqual({
      ok: false,
      problem: { kind: 'unavailable', why: 'not_found', code: 'file_not_found' },
    });
    slack.setResponse('files.info', { ok: false, error: 'missing_scope', needed: 'files:read' });
    expect(await inspect(file.id)).toMatchObject({
      ok: false,
      problem: { why: 'no_access', code: 'missing_scope' },
    });
  });

  it('never sends the bot token to a host that is not Slack’s', async () => {
    const file = slack.addFile(PDF, { name: 'INV-0042.pdf' });
    const info = await readSlackFileInfo(client, TOKEN, file.id);
    expect(info.ok).toBe(true);
    slack.setResponse('files.info', (call) => {
      const real = JSON.parse(fixtureText('slack/files-info.json')) as { file: Record<string, unknown> };
      return {
        ...real,
        file: { ...real.file, id: call.body.file, name: 'a.pdf', mimetype: 'application/pdf', size: 10 },
      };
    });
    // The published sample's addresses (`https://.../tedair.gif`) are not on Slack's file host.
    expect(await inspect(file.id)).toMatchObject({
      ok: false,
      problem: { why: 'unreachable', code: 'no_download_url' },
    });
    expect(file.downloads).toEqual([]);
  });
});
