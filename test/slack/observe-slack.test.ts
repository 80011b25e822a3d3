import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.ts';
import { observeSlackFetch } from '../../src/slack/observe-slack.ts';

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json; charset=utf-8' } });

async function errorsCounted(metrics: ReturnType<typeof createMetrics>): Promise<string[]> {
  const { values } = await metrics.slackApiErrors.get();
  return values.map((v) => `${v.labels.method}/${v.labels.code}=${v.value}`);
}

describe('observeSlackFetch', () => {
  it('counts an ok:false answer by its code as the client reads it, and hands the client the same text', async () => {
    const metrics = createMetrics();
    const answer = { ok: false, error: 'not_in_channel' };
    const slackFetch = observeSlackFetch(metrics, async () => json(answer));
    const response = await slackFetch('https://slack.test/api/chat.postMessage', { method: 'POST' });
    expect(await response.text()).toBe(JSON.stringify(answer));
    expect(await errorsCounted(metrics)).toEqual(['chat.postMessage/not_in_channel=1']);
  });

  it('counts nothing for an ok answer, whatever its text holds', async () => {
    const metrics = createMetrics();
    const slackFetch = observeSlackFetch(metrics, async () =>
      json({ ok: true, message: { text: '"ok": false' } }),
    );
    const response = await slackFetch('https://slack.test/api/chat.update', { method: 'POST' });
    expect(JSON.parse(await response.text())).toMatchObject({ ok: true });
    expect(await errorsCounted(metrics)).toEqual([]);
  });

  it('names an error that is not a Slack code "other"', async () => {
    const metrics = createMetrics();
    const slackFetch = observeSlackFetch(metrics, async () => json({ ok: false, error: 'Not A Code!' }));
    await (await slackFetch('https://slack.test/api/chat.update')).text();
    expect(await errorsCounted(metrics)).toEqual(['chat.update/other=1']);
  });
});
