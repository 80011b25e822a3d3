import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WorkspaceCredentials } from '../../src/domain/workspace-settings.ts';
import { createTemplatesClient } from '../../src/kaleyra/templates-client.ts';
import {
  createTemplateChoices,
  TEMPLATE_FAILURE_TTL_MS,
  TEMPLATE_LIST_TTL_MS,
} from '../../src/services/template-choices.ts';
import { type FakeKaleyra, KALEYRA_RESPONSES, startFakeKaleyra } from '../support/fake-kaleyra.ts';
import { metaTemplate, serveTemplates } from '../support/slack-surfaces.ts';

const SETTINGS: WorkspaceCredentials = {
  sid: 'HXIN1234567890IN',
  apiKey: 'Achoiceskey000000000000000000001',
  pod: 'in',
  businessNumber: '+919876500000',
  templateName: 'order_update',
  languageCode: 'en_US',
  wabaId: '104996122399160',
  updatedBy: 'UADMIN',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

const LIST = [
  metaTemplate('order_status', 'en'),
  metaTemplate('order_update', 'en_US'),
  metaTemplate('promo', 'en', 'APPROVED', 'MARKETING'),
];

describe('template choices', () => {
  let kaleyra: FakeKaleyra;
  let clock: number;
  beforeAll(async () => {
    kaleyra = await startFakeKaleyra();
  });
  afterAll(async () => {
    await kaleyra.close();
  });
  beforeEach(() => {
    kaleyra.reset();
    clock = 1_000_000;
  });

  const choices = () =>
    createTemplateChoices({
      client: createTemplatesClient({ baseUrlOverride: kaleyra.url, timeoutMs: 300 }),
      now: () => clock,
    });

  it('puts the workspace default first, whether or not Kaleyra lists it, and keeps the rest in Kaleyra’s order', async () => {
    serveTemplates(kaleyra, LIST);
    const listed = await choices().choicesFor('T1', SETTINGS);
    expect(listed).toEqual({
      ok: true,
      default: { name: 'order_update', languageCode: 'en_US' },
      templates: [
        { name: 'order_update', languageCode: 'en_US' },
        { name: 'order_status', languageCode: 'en' },
      ],
    });
    const unlisted = await choices().choicesFor('T1', { ...SETTINGS, templateName: 'order_new' });
    expect(unlisted.ok && unlisted.templates.map((t) => t.name)).toEqual([
      'order_new',
      'order_status',
      'order_update',
    ]);
  });

  it('asks Kaleyra once per workspace for five minutes, shares a request in flight, and asks again after', async () => {
    const requests = serveTemplates(kaleyra, LIST);
    const service = choices();
    await Promise.all([service.choicesFor('T1', SETTINGS), service.choicesFor('T1', SETTINGS)]);
    expect(requests()).toHaveLength(1);
    expect(service.peek('T1', SETTINGS)).toMatchObject({ ok: true });
    clock += TEMPLATE_LIST_TTL_MS - 1;
    await service.choicesFor('T1', SETTINGS);
    expect(requests()).toHaveLength(1);
    clock += 1;
    expect(service.peek('T1', SETTINGS)).toBeUndefined();
    await service.choicesFor('T1', SETTINGS);
    expect(requests()).toHaveLength(2);
    // Another workspace, and a changed WABA id, are asked for on their own.
    await service.choicesFor('T2', SETTINGS);
    await service.choicesFor('T1', { ...SETTINGS, wabaId: '104996122399161' });
    expect(requests()).toHaveLength(4);
    expect(requests()[3]?.path).toContain('/104996122399161/');
  });

  it('remembers a failure for 30 s only, with Kaleyra’s code', async () => {
    const requests = serveTemplates(kaleyra, { status: 401, body: KALEYRA_RESPONSES.rbc001.body });
    const service = choices();
    expect(await service.choicesFor('T1', SETTINGS)).toEqual({
      ok: false,
      default: { name: 'order_update', languageCode: 'en_US' },
      reason: 'RBC001',
    });
    clock += TEMPLATE_FAILURE_TTL_MS - 1;
    expect(service.peek('T1', SETTINGS)).toMatchObject({ ok: false, reason: 'RBC001' });
    clock += 1;
    serveTemplates(kaleyra, LIST);
    expect(await service.choicesFor('T1', SETTINGS)).toMatchObject({ ok: true });
    expect(requests()).toHaveLength(2);
  });

  it('says NO_WABA_ID without asking, and NO_TEMPLATES when none is approved for utility', async () => {
    const requests = serveTemplates(kaleyra, [metaTemplate('promo', 'en', 'APPROVED', 'MARKETING')]);
    const { wabaId: _none, ...withoutWaba } = SETTINGS;
    const service = choices();
    expect(service.peek('T1', withoutWaba)).toMatchObject({ ok: false, reason: 'NO_WABA_ID' });
    expect(await service.choicesFor('T1', withoutWaba)).toMatchObject({ ok: false, reason: 'NO_WABA_ID' });
    expect(requests()).toHaveLength(0);
    expect(await service.choicesFor('T1', SETTINGS)).toMatchObject({ ok: false, reason: 'NO_TEMPLATES' });
  });

  it('gives up after the client’s timeout and says TIMEOUT', async () => {
    serveTemplates(kaleyra, { hang: true });
    const started = Date.now();
    expect(await choices().choicesFor('T1', SETTINGS)).toMatchObject({ ok: false, reason: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(10_000); // the 300 ms budget, not a hang
  });
});
