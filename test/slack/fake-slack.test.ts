import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, responseIdOf, responseUrlOn, startFakeSlack } from '../support/fake-slack.ts';

describe('fake Slack Web API', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startFakeSlack();
  });
  afterEach(async () => {
    await slack.close();
  });

  function client(token = 'xoxb-T7-test'): webApi.WebClient {
    return new webApi.WebClient(token, { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
  }

  it('answers the real client and decodes JSON-string form fields', async () => {
    const result = await client().views.open({
      trigger_id: 'trigger',
      view: { type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks: [{ type: 'divider' }] },
    });
    expect(result.ok).toBe(true);
    expect(result.view?.id).toBe('V1');
    const [call] = slack.callsTo('views.open');
    expect(call?.body.view).toEqual({
      type: 'modal',
      title: { type: 'plain_text', text: 'T' },
      blocks: [{ type: 'divider' }],
    });
    expect(call?.token).toBe('xoxb-T7-test');
    expect(call?.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('takes the team from a token shaped xoxb-<team>-…', async () => {
    expect((await client().auth.test()).team_id).toBe('T7');
    expect((await client('xoxb-plain').auth.test()).team_id).toBe('T1');
  });

  it('decodes blocks on chat.postMessage and answers a ts', async () => {
    const result = await client().chat.postMessage({
      channel: 'C1',
      text: 'hi',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }],
    });
    expect(result.ts).toBeTruthy();
    expect(slack.callsTo('chat.postMessage')[0]?.body.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'hi' } },
    ]);
  });

  it('reads JSON bodies', async () => {
    await fetch(`${slack.url}chat.postEphemeral`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer xoxb-1' },
      body: JSON.stringify({ channel: 'C1', user: 'U1', text: 'x' }),
    });
    expect(slack.callsTo('chat.postEphemeral')[0]?.body).toEqual({ channel: 'C1', user: 'U1', text: 'x' });
  });

  it('answers users.info per user', async () => {
    slack.setUser('UADMIN', { is_admin: true });
    expect((await client().users.info({ user: 'UADMIN' })).user?.is_admin).toBe(true);
    expect((await client().users.info({ user: 'U2' })).user?.is_admin).toBe(false);
  });

  it('lets a test replace an answer, and refuses unknown methods', async () => {
    slack.setResponse('views.open', { ok: false, error: 'expired_trigger_id' });
    await expect(
      client().views.open({
        trigger_id: 't',
        view: { type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks: [{ type: 'divider' }] },
      }),
    ).rejects.toThrow(/expired_trigger_id/);
    await expect(client().apiCall('nope.nothing')).rejects.toThrow(/unknown_method/);
  });

  it('records response_url posts and waits for them', async () => {
    const url = slack.responseUrl('cmd-1');
    setTimeout(() => {
      void fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'done', response_type: 'in_channel' }),
      });
    }, 20);
    const post = await slack.waitFor((s) => s.responseUrlPosts.find((p) => p.path === '/response/cmd-1'));
    expect(post.body).toEqual({ text: 'done', response_type: 'in_channel' });
    expect(responseIdOf(post)).toBe('cmd-1');
    await expect(slack.waitFor(() => false, 50)).rejects.toThrow(/within 50 ms/);
  });

  it('names a response_url by an id that needs encoding, and reads the id back from the post', async () => {
    const id = 'A1B2C3-L-7 #x/y';
    expect(slack.responseUrl(id)).toBe(responseUrlOn(slack.origin, id));
    await fetch(slack.responseUrl(id), { method: 'POST', body: '{"text":"ok"}' });
    expect(slack.responseUrlPosts.map(responseIdOf)).toEqual([id]);
  });

  it('hosts a member’s upload (files.info, then its download only to a bearer token), like Slack', async () => {
    const file = slack.addFile('phone,reference,status\n', { name: 'orders.csv' });
    const info = await client().files.info({ file: file.id });
    expect(info.file).toMatchObject({ id: file.id, name: 'orders.csv', size: 23 });
    const url = String(info.file?.url_private_download);
    expect(url.startsWith(slack.origin)).toBe(true);
    const signedIn = await fetch(url, { headers: { authorization: 'Bearer xoxb-T7-test' } });
    expect(await signedIn.text()).toBe('phone,reference,status\n');
    const anonymous = await fetch(url);
    expect(anonymous.headers.get('content-type')).toContain('text/html');
    expect(file.downloads.map((d) => d.token)).toEqual(['xoxb-T7-test', undefined]);
    await expect(client().files.info({ file: 'FNONE' })).rejects.toThrow(/file_not_found/);
  });

  it('keeps the bytes the real client uploads (getUploadURLExternal → upload URL → completeUploadExternal)', async () => {
    const bytes = Buffer.from('line,outcome\n2,sent\n', 'utf8');
    await client().filesUploadV2({
      channel_id: 'C1',
      thread_ts: '1700000000.000100',
      file: bytes,
      filename: 'results.csv',
      title: 'Results',
    });
    expect(slack.calls.map((c) => c.method)).toEqual([
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    expect(slack.uploads).toEqual([
      {
        id: expect.stringMatching(/^F/),
        filename: 'results.csv',
        length: bytes.length,
        bytes,
        text: 'line,outcome\n2,sent\n',
        completed: true,
        channel: 'C1',
        threadTs: '1700000000.000100',
        title: 'Results',
      },
    ]);
  });

  it('refuses posts in a channel it is told to, until told otherwise', async () => {
    slack.refuseChannel('CPRIVATE', 'not_in_channel');
    await expect(client().chat.postMessage({ channel: 'CPRIVATE', text: 'x' })).rejects.toThrow(
      /not_in_channel/,
    );
    slack.refuseChannel('CPRIVATE', undefined);
    expect((await client().chat.postMessage({ channel: 'CPRIVATE', text: 'x' })).ok).toBe(true);
  });
});
