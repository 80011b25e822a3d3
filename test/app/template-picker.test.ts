import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS, SEND_FIELDS, SEND_MODAL_CALLBACK, TEMPLATE_PICK } from '../../src/slack/ids.ts';
import {
  command,
  configSubmissionBody,
  type JsonRecord,
  outcomeOf,
  SETTINGS,
  storageModes,
  textOf,
  useTestApp,
  waitUntil,
} from '../support/app-driver.ts';
import { KALEYRA_RESPONSES } from '../support/fake-kaleyra.ts';
import { postToApp, viewState, viewSubmissionBody } from '../support/slack-request.ts';
import {
  blockOf,
  isTemplatesRequest,
  metaTemplate,
  serveTemplates,
  suggestTemplates,
  viewOf,
} from '../support/slack-surfaces.ts';
import { SIGNING_SECRET } from '../support/start-app.ts';

const WABA_ID = '104996122399160';
const TEMPLATES = [
  metaTemplate('order_status', 'hi'),
  metaTemplate('order_update_v2', 'en_US'),
  metaTemplate('order_status', 'en'),
  metaTemplate('diwali_sale', 'en', 'APPROVED', 'MARKETING'),
  metaTemplate('order_late', 'en', 'REJECTED'),
];

type Options = { options: Array<{ text: { text: string }; value: string }> };

describe.each(await storageModes())('the template picker on the %s', (_name, storage) => {
  const t = useTestApp(storage);
  const withWabaId = () =>
    t.server.services.credentials.set(t.team, { ...SETTINGS, wabaId: WABA_ID }, 'UADMIN');

  /** `/orderstatus` alone; resolves the views.open call. */
  async function openForm() {
    const before = t.slack.callsTo('views.open').length;
    expect((await command(t, '').post()).status).toBe(200);
    return t.slack.waitFor((s) => s.callsTo('views.open')[before]);
  }

  /** Submits the opened send form with these typed values and, if given, a picked template. */
  function submit(open: { body: Record<string, unknown> }, values: Record<string, string>, picked?: string) {
    const state = viewState(SEND_FIELDS, values);
    if (picked !== undefined) {
      state[TEMPLATE_PICK.blockId] = {
        [TEMPLATE_PICK.actionId]: { type: 'external_select', selected_option: { value: picked } },
      };
    }
    const body = viewSubmissionBody({
      teamId: t.team,
      userId: 'UAGENT',
      view: {
        callback_id: SEND_MODAL_CALLBACK,
        private_metadata: String(viewOf(open).private_metadata),
        state: { values: state },
      },
    });
    return postToApp(t.url, body, { signingSecret: SIGNING_SECRET });
  }

  it('offers Kaleyra’s approved utility templates, the default first; a pick sets name and language of the send', async () => {
    const templateRequests = serveTemplates(t.kaleyra, TEMPLATES);
    await withWabaId();
    const open = await openForm();
    const picker = blockOf(viewOf(open), TEMPLATE_PICK.blockId);
    expect(picker?.element).toMatchObject({
      type: 'external_select',
      action_id: TEMPLATE_PICK.actionId,
      min_query_length: 0,
      initial_option: { value: 'order_status|en' },
    });
    // One pick replaces both typed fields.
    expect(blockOf(viewOf(open), SEND_FIELDS.templateName.blockId)).toBeUndefined();
    expect(blockOf(viewOf(open), SEND_FIELDS.languageCode.blockId)).toBeUndefined();

    const started = Date.now();
    const all = await suggestTemplates(t, '');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(all.status).toBe(200);
    const offered = (all.json as Options).options;
    expect(offered.map((o) => o.value)).toEqual([
      'order_status|en',
      'order_status|hi',
      'order_update_v2|en_US',
    ]);
    expect(offered[0]?.text.text).toBe('order_status (en) · default');
    const filtered = (await suggestTemplates(t, 'V2')).json as Options;
    expect(filtered.options.map((o) => o.value)).toEqual(['order_update_v2|en_US']);

    // Asked of Kaleyra once (the form and both suggestions share the cached list), with the WABA id.
    const [request] = templateRequests();
    expect(templateRequests()).toHaveLength(1);
    expect(request?.path).toBe(`/v2/${SETTINGS.sid}/whatsapp/${WABA_ID}/message_templates`);
    expect(request?.headers['api-key']).toBe(SETTINGS.apiKey);
    expect(t.slack.callsTo('views.update')).toHaveLength(0);

    const ack = await submit(
      open,
      { to: '+919876543210', referenceId: 'PICK-1', status: 'shipped' },
      'order_update_v2|en_US',
    );
    expect(ack.status).toBe(200);
    const send = await waitUntil(() => t.kaleyra.requests.find((r) => r.method === 'POST'), 5000, 'the send');
    const template = (send.body as { messaging_object: { template: JsonRecord } }).messaging_object.template;
    expect(template.name).toBe('order_update_v2');
    expect(template.language).toEqual({ policy: 'deterministic', code: 'en_US' });
  });

  it('turns into a typed name with a hint saying why when Kaleyra refuses the list, and the send goes on', async () => {
    const templateRequests = serveTemplates(t.kaleyra, {
      status: 401,
      body: KALEYRA_RESPONSES.rbc001.body,
    });
    await withWabaId();
    const open = await openForm();
    expect(blockOf(viewOf(open), TEMPLATE_PICK.blockId)).toBeDefined();
    const update = await t.slack.waitFor((s) => s.callsTo('views.update')[0]);
    const typed = blockOf(viewOf(update), SEND_FIELDS.templateName.blockId);
    expect(blockOf(viewOf(update), TEMPLATE_PICK.blockId)).toBeUndefined();
    expect(textOf(typed?.hint)).toContain('RBC001');
    expect(typed?.element).toMatchObject({ type: 'plain_text_input', initial_value: 'order_status' });

    // Opened again within the failure's 30 s: typed from the start, and Kaleyra is not asked again.
    const again = await openForm();
    expect(textOf(blockOf(viewOf(again), SEND_FIELDS.templateName.blockId)?.hint)).toContain('RBC001');
    expect(t.slack.callsTo('views.update')).toHaveLength(1);
    expect(templateRequests()).toHaveLength(1);

    const ack = await submit(again, { to: '+919876543210', referenceId: 'PICK-2', status: 'shipped' });
    expect(ack.status).toBe(200);
    const sent = await waitUntil(() => t.kaleyra.requests.find((r) => r.method === 'POST'), 5000, 'the send');
    expect(textOf(sent.body)).toContain('"name":"order_status"');
  });

  it('answers the options within Slack’s 3 s with the default alone when Kaleyra does not answer in 2 s', async () => {
    serveTemplates(t.kaleyra, { hang: true });
    await withWabaId();
    await openForm();
    const started = Date.now();
    const answer = await suggestTemplates(t, '');
    const took = Date.now() - started;
    expect(took).toBeLessThan(3000);
    expect((answer.json as Options).options.map((o) => o.value)).toEqual(['order_status|en']);
    const update = await t.slack.waitFor((s) => s.callsTo('views.update')[0], 4000);
    expect(textOf(blockOf(viewOf(update), SEND_FIELDS.templateName.blockId)?.hint)).toContain('TIMEOUT');
  });

  it('without a WABA id: a typed name with a hint, and Kaleyra is never asked for templates', async () => {
    const open = await openForm();
    const typed = blockOf(viewOf(open), SEND_FIELDS.templateName.blockId);
    expect(textOf(typed?.hint)).toContain('no WhatsApp Business Account id');
    expect(blockOf(viewOf(open), TEMPLATE_PICK.blockId)).toBeUndefined();
    expect(t.kaleyra.requests.filter(isTemplatesRequest)).toEqual([]);
  });

  it('a picked value that is not one of ours is refused under the picker, nothing sent', async () => {
    serveTemplates(t.kaleyra, TEMPLATES);
    await withWabaId();
    const open = await openForm();
    const ack = await submit(
      open,
      { to: '+919876543210', referenceId: 'PICK-3', status: 'shipped' },
      'Order Status|EN',
    );
    expect(ack.json).toMatchObject({
      response_action: 'errors',
      errors: { [TEMPLATE_PICK.blockId]: expect.any(String) },
    });
    expect(Object.keys((ack.json as { errors: JsonRecord }).errors)).toEqual([TEMPLATE_PICK.blockId]);
    expect(t.kaleyra.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('admins set the WABA id and the NA pod in the settings modal; a malformed id is refused there', async () => {
    t.slack.setUser('UADMIN', { is_admin: true, team_id: t.team });
    const values = {
      sid: SETTINGS.sid,
      pod: 'na',
      businessNumber: SETTINGS.businessNumber,
      wabaId: 'WABA-1',
    };
    const refused = await postToApp(t.url, configSubmissionBody(t.team, 'UADMIN', values), {
      signingSecret: SIGNING_SECRET,
    });
    expect(refused.json).toMatchObject({ response_action: 'errors' });
    expect(Object.keys((refused.json as { errors: JsonRecord }).errors)).toEqual([
      CONFIG_FIELDS.wabaId.blockId,
    ]);

    const saved = await postToApp(
      t.url,
      configSubmissionBody(t.team, 'UADMIN', { ...values, wabaId: ` ${WABA_ID} ` }),
      {
        signingSecret: SIGNING_SECRET,
      },
    );
    expect(saved.status).toBe(200);
    expect(textOf(saved.json)).toContain('North America (NA)');
    expect(textOf(saved.json)).toContain(WABA_ID);
    expect(await t.server.services.credentials.get(t.team)).toMatchObject({ pod: 'na', wabaId: WABA_ID });
  });

  it('the one-liner never asks for the list', async () => {
    serveTemplates(t.kaleyra, TEMPLATES);
    await withWabaId();
    const sent = command(t, '+919876543210 PICK-4 shipped');
    await sent.post();
    expect(textOf((await outcomeOf(t, sent)).body)).toContain('message_id');
    expect(t.kaleyra.requests.filter(isTemplatesRequest)).toEqual([]);
  });
});
