import { describe, expect, it } from 'vitest';
import {
  RETRY_ACTION,
  SEND_FIELDS,
  SEND_FROM_MESSAGE_SHORTCUT,
  SEND_MODAL_CALLBACK,
  SEND_ORDER_STATUS_FUNCTION,
} from '../../src/slack/ids.ts';
import { storageModes, useTestApp } from '../support/app-driver.ts';
import { fixtureText, withIds } from '../support/published-samples.ts';
import { type AppResponse, FORM_CONTENT_TYPE, postToApp } from '../support/slack-request.ts';
import { SIGNING_SECRET } from '../support/start-app.ts';

/**
 * Requests exactly as Slack's own SDK tests and docs publish them (test/fixtures/slack, sources in its
 * README), signed, with their ids adjusted to the test's workspace and this app's ids: each is
 * acknowledged (200, never 5xx) and does what it asks.
 */
describe.each(await storageModes())('Slack’s published requests, on the %s', (_name, storage) => {
  const t = useTestApp(storage);

  async function post(body: string, contentType: string): Promise<AppResponse> {
    const answer = await postToApp(t.url, body, { signingSecret: SIGNING_SECRET, contentType });
    expect(answer.status).toBe(200);
    return answer;
  }
  const interaction = (json: string) =>
    post(new URLSearchParams({ payload: JSON.stringify(JSON.parse(json)) }).toString(), FORM_CONTENT_TYPE);

  it('answers ssl_check with an empty 200', async () => {
    expect((await post(fixtureText('slack/ssl-check.form.txt').trim(), FORM_CONTENT_TYPE)).text).toBe('');
  });

  it('answers url_verification with its challenge', async () => {
    const answer = await post(fixtureText('slack/url-verification.json'), 'application/json');
    expect(answer.json).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('opens the guided form for the slash command (its text is no complete update)', async () => {
    const body = withIds('slack/slash-command.form.txt', {
      'https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT111%2F111%2Fxxxxx': encodeURIComponent(
        t.slack.responseUrl('published-command'),
      ),
      '%2Fhello-world': '%2Forderstatus',
      T111: t.team,
    }).trim();
    await post(body, FORM_CONTENT_TYPE);
    const open = await t.slack.waitFor((slack) => slack.callsTo('views.open')[0]);
    expect(open.body.trigger_id).toBe('111.111.xxx');
  });

  it('answers a block_actions click on a result button (its value names no send: told so, nothing sent)', async () => {
    await interaction(
      withIds('slack/block-actions.json', {
        'https://hooks.slack.com/actions/T111/111/random-value': t.slack.responseUrl('published-click'),
        '"action_id": "a"': `"action_id": "${RETRY_ACTION}"`,
        T111: t.team,
      }),
    );
    await t.slack.waitFor((slack) => slack.responseUrlPosts.find((p) => p.path.includes('published-click')));
    expect(t.kaleyra.requests).toHaveLength(0);
  });

  it('answers the send form’s view_submission with the field’s error (the sample’s value is no number)', async () => {
    const answer = await interaction(
      withIds('slack/view-submission.json', {
        'view-id': SEND_MODAL_CALLBACK,
        hspI: SEND_FIELDS.to.blockId,
        maBWU: SEND_FIELDS.to.actionId,
        T111: t.team,
      }),
    );
    expect(answer.json).toMatchObject({ response_action: 'errors' });
    expect(Object.keys((answer.json as { errors: object }).errors)).toContain(SEND_FIELDS.to.blockId);
  });

  it('opens the form from the message shortcut (message_action)', async () => {
    await interaction(
      withIds('slack/message-action.json', {
        'https://hooks.slack.com/app/T111/111/xxx': t.slack.responseUrl('published-shortcut'),
        'test-shortcut': SEND_FROM_MESSAGE_SHORTCUT,
        T111: t.team,
      }),
    );
    const open = await t.slack.waitFor((slack) => slack.callsTo('views.open')[0]);
    expect(open.body.trigger_id).toBe('111.222.xxx');
  });

  it('acknowledges app_home_opened on the Messages tab, and publishes the Home tab when it is opened', async () => {
    const envelope = withIds('slack/app-home-opened.json', { T111: t.team, E111: t.team });
    await post(envelope, 'application/json');
    const home = JSON.parse(envelope);
    home.event = JSON.parse(
      withIds('slack/app-home-opened-home-tab.event.json', { T123ABC456: t.team, U123ABC456: 'UAGENT' }),
    );
    await post(JSON.stringify(home), 'application/json');
    const published = await t.slack.waitFor((slack) => slack.callsTo('views.publish')[0]);
    expect(published.body.user_id).toBe('UAGENT');
    expect(t.slack.callsTo('views.publish')).toHaveLength(1);
  });

  it('completes function_executed with an error that names the missing inputs', async () => {
    await post(
      withIds('slack/function-executed.json', {
        '"callback_id": "reverse"': `"callback_id": "${SEND_ORDER_STATUS_FUNCTION}"`,
        T111: t.team,
        E111: t.team,
      }),
      'application/json',
    );
    const failed = await t.slack.waitFor((slack) => slack.callsTo('functions.completeError')[0]);
    expect(failed.body.function_execution_id).toBe('Fx111');
    expect(t.kaleyra.requests).toHaveLength(0);
  });
});
