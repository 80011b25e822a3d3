import { beforeEach, describe, expect, it } from 'vitest';
import { RETRY_ACTION, SEND_FIELDS, SEND_MODAL_CALLBACK } from '../../src/slack/ids.ts';
import { storageModes, useTestApp } from '../support/app-driver.ts';
import { KALEYRA_RESPONSES, type RecordedKaleyraRequest } from '../support/fake-kaleyra.ts';
import {
  blockActionsBody,
  postToApp,
  slashCommandBody,
  viewState,
  viewSubmissionBody,
} from '../support/slack-request.ts';
import { SIGNING_SECRET, uniqueTeamId } from '../support/start-app.ts';

const BASE = {
  pod: 'in' as const,
  businessNumber: '+919876500000',
  templateName: 'order_status',
  languageCode: 'en',
};
const ACCOUNT_A = { sid: 'HXINTEAMA00000IN', apiKey: 'Akey-for-team-A-000000000000001' };
const ACCOUNT_B = { sid: 'HXINTEAMB00000IN', apiKey: 'Bkey-for-team-B-000000000000002' };
const ACCOUNT_E = { sid: 'HXINGRIDE00000IN', apiKey: 'Ekey-for-the-grid-0000000000003' };

type Account = { sid: string; apiKey: string };

function uniqueEnterpriseId(): string {
  return `E${uniqueTeamId().slice(1)}`;
}

/** Which account a Kaleyra request was made with, and for whom it says it was. */
function madeWith(request: RecordedKaleyraRequest | undefined) {
  const body = request?.body as { extra_info?: { ref?: string; ref2?: string } } | undefined;
  return {
    sid: request?.path.split('/')[2],
    apiKey: request?.headers['api-key'],
    ref: body?.extra_info?.ref,
    ref2: body?.extra_info?.ref2,
  };
}

/** The value of the first button with `actionId` anywhere in a posted message. */
function buttonValue(message: unknown, actionId: string): string | undefined {
  if (Array.isArray(message)) {
    for (const item of message) {
      const found = buttonValue(item, actionId);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  const record = message as Record<string, unknown>;
  if (record.action_id === actionId && typeof record.value === 'string') return record.value;
  for (const value of Object.values(record)) {
    const found = buttonValue(value, actionId);
    if (found !== undefined) return found;
  }
  return undefined;
}

describe.each(await storageModes())('tenant isolation on the %s', (_name, storage) => {
  const t = useTestApp(storage, { configure: false });
  let teamA: string;
  let teamB: string;

  beforeEach(async () => {
    teamA = uniqueTeamId();
    teamB = uniqueTeamId();
    await t.server.services.credentials.set(teamA, { ...BASE, ...ACCOUNT_A }, 'UADMINA');
    await t.server.services.credentials.set(teamB, { ...BASE, ...ACCOUNT_B }, 'UADMINB');
  });

  async function post(body: string) {
    const response = await postToApp(t.url, body, { signingSecret: SIGNING_SECRET });
    expect(response.status).toBe(200);
    return response;
  }

  async function waitForKaleyra(count: number) {
    await t.slack.waitFor(() => t.kaleyra.requests.length >= count);
    // Anything more would show up by now.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(t.kaleyra.requests).toHaveLength(count);
  }

  function expectAccount(request: RecordedKaleyraRequest | undefined, account: Account, workspace: string) {
    const used = madeWith(request);
    expect(used.sid).toBe(account.sid);
    expect(used.apiKey).toBe(account.apiKey);
    expect(used.ref).toBe(workspace);
  }

  function submission(teamId: string, privateMetadata: string, extra: { enterpriseId?: string } = {}) {
    return viewSubmissionBody({
      teamId,
      userId: 'UAGENTB',
      ...(extra.enterpriseId ? { enterpriseId: extra.enterpriseId, isEnterpriseInstall: true } : {}),
      view: {
        callback_id: SEND_MODAL_CALLBACK,
        private_metadata: privateMetadata,
        state: {
          values: viewState(SEND_FIELDS, { to: '+919876543210', referenceId: 'ISO-1', status: 'shipped' }),
        },
      },
    });
  }

  it("a view submission from B claiming A's channel or workspace in private_metadata uses B's credentials", async () => {
    const claims = [
      JSON.stringify({ channelId: 'CTEAMACHANNEL', responseUrl: t.slack.responseUrl('claim-1') }),
      JSON.stringify({
        channelId: 'CTEAMACHANNEL',
        teamId: teamA,
        team_id: teamA,
        workspaceId: teamA,
        enterprise_id: teamA,
        is_enterprise_install: true,
        team: { id: teamA },
      }),
      JSON.stringify({ teamId: teamA }),
    ];
    for (const [i, metadata] of claims.entries()) {
      await post(submission(teamB, metadata).replace('ISO-1', `ISO-${i}`));
    }
    await waitForKaleyra(claims.length);
    for (const request of t.kaleyra.requests) expectAccount(request, ACCOUNT_B, teamB);
    expect(await t.server.services.journal.list(teamA)).toHaveLength(0);
    expect(await t.server.services.journal.list(teamB)).toHaveLength(claims.length);
  });

  /** UAGENTB clicking Retry in team B's channel on a button carrying `value`. */
  function retryInB(value: string, extra: { responseUrl?: string } = {}) {
    return blockActionsBody({
      teamId: teamB,
      userId: 'UAGENTB',
      channelId: 'CTEAMBCHANNEL',
      actionId: RETRY_ACTION,
      value,
      ...extra,
    });
  }

  it("a Retry clicked in B with a button value made for A's update is refused: nothing sent, B's agent told why", async () => {
    // A's send fails with a retryable WA500, so its outcome carries a Retry button.
    t.kaleyra.respondWith({ status: 500, body: KALEYRA_RESPONSES.wa500.body });
    const responseUrlA = t.slack.responseUrl('team-a');
    await post(
      slashCommandBody({
        text: '+919876543210 ISO-RETRY shipped From A',
        teamId: teamA,
        userId: 'UAGENTA',
        channelId: 'CTEAMACHANNEL',
        responseUrl: responseUrlA,
      }),
    );
    // The failure is posted in A's channel for everyone, Retry button included.
    const outcomeA = await t.slack.waitFor((s) =>
      s.callsTo('chat.postMessage').find((c) => c.body.channel === 'CTEAMACHANNEL'),
    );
    const value = buttonValue(outcomeA.body, RETRY_ACTION);
    expect(value).toBeDefined();
    // The value names neither workspace, nor (sealed) the customer.
    expect(value).not.toContain(teamA);
    expect(value).not.toContain('9876543210');
    expectAccount(t.kaleyra.requests[0], ACCOUNT_A, teamA);

    t.kaleyra.respondWith({ status: 202, body: KALEYRA_RESPONSES.wa202.body });
    // Sealed for workspace A: in B it does not open, so A's customer is not sent B's message.
    const responseUrlB = t.slack.responseUrl('team-b-click');
    await post(retryInB(value ?? '', { responseUrl: responseUrlB }));
    const told = await t.slack.waitFor((s) =>
      s.responseUrlPosts.find((p) => p.path === new URL(responseUrlB).pathname),
    );
    expect(JSON.stringify(told.body)).toContain('BUTTON_NOT_VALID_HERE');
    expect(JSON.stringify(told.body)).toContain('another workspace');
    await waitForKaleyra(1);

    const journalA = await t.server.services.journal.list(teamA);
    const journalB = await t.server.services.journal.list(teamB);
    expect(journalA.map((row) => row.outcome)).toEqual(['failed']);
    expect(journalB).toEqual([]);

    // In A, where it was made, the same button works.
    await post(
      blockActionsBody({
        teamId: teamA,
        userId: 'UAGENTA',
        channelId: 'CTEAMACHANNEL',
        actionId: RETRY_ACTION,
        value: value ?? '',
        responseUrl: t.slack.responseUrl('team-a-click'),
      }),
    );
    await waitForKaleyra(2);
    expectAccount(t.kaleyra.requests[1], ACCOUNT_A, teamA);
    // The send names its journal attempt (ref2), which stays in A's journal.
    const retried = await t.server.services.journal.list(teamA);
    expect(madeWith(t.kaleyra.requests[1]).ref2).toBe(retried[0]?.id);
    expect(retried[0]?.channel_id).toBe('CTEAMACHANNEL');
  });

  it('a button value that was not made by this app is ignored, whatever it claims', async () => {
    const forged = JSON.stringify({
      u: {
        to: '+919876543210',
        referenceId: 'FORGED',
        status: 'shipped',
        templateName: 'order_status',
        languageCode: 'en',
      },
      c: 'CTEAMACHANNEL',
      teamId: teamA,
    });
    await post(retryInB(forged));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.kaleyra.requests).toHaveLength(0);
  });

  /** A one-liner from UAGENTB of team B, inside the Enterprise Grid `enterpriseId`. */
  function gridCommand(
    reference: string,
    enterpriseId: string,
    isEnterpriseInstall: boolean,
    responseUrl: string,
  ) {
    return slashCommandBody({
      text: `+919876543210 ${reference} shipped`,
      teamId: teamB,
      enterpriseId,
      isEnterpriseInstall,
      userId: 'UAGENTB',
      channelId: 'CGRID',
      responseUrl,
    });
  }

  it("an Enterprise Grid org-wide install uses the enterprise's credentials, not the team's", async () => {
    const enterprise = uniqueEnterpriseId();
    await t.server.services.credentials.set(enterprise, { ...BASE, ...ACCOUNT_E }, 'UGRIDADMIN');

    // Slash command from team B inside the org-wide install.
    await post(gridCommand('GRID-1', enterprise, true, t.slack.responseUrl('grid-1')));
    // Modal submission in the same install.
    await post(
      submission(teamB, JSON.stringify({ channelId: 'CGRID', teamId: teamB }), { enterpriseId: enterprise }),
    );
    await waitForKaleyra(2);
    for (const request of t.kaleyra.requests) expectAccount(request, ACCOUNT_E, enterprise);

    // A workspace-level install inside the same grid (is_enterprise_install false) uses the team's own.
    await post(gridCommand('GRID-2', enterprise, false, t.slack.responseUrl('grid-2')));
    await waitForKaleyra(3);
    expectAccount(t.kaleyra.requests[2], ACCOUNT_B, teamB);

    expect((await t.server.services.journal.list(enterprise)).map((row) => row.reference_id).sort()).toEqual([
      'GRID-1',
      'ISO-1',
    ]);
    expect((await t.server.services.journal.list(teamB)).map((row) => row.reference_id)).toEqual(['GRID-2']);
  });

  it('an org-wide install whose enterprise is not configured is told so, and never falls back to the team', async () => {
    const enterprise = uniqueEnterpriseId();
    const responseUrl = t.slack.responseUrl('grid-unconfigured');
    await post(gridCommand('GRID-3', enterprise, true, responseUrl));
    const posted = await t.slack.waitFor((s) =>
      s.responseUrlPosts.find((p) => p.path === new URL(responseUrl).pathname),
    );
    expect(JSON.stringify(posted.body)).toContain('/orderstatus config');
    expect(t.kaleyra.requests).toHaveLength(0);
  });

  it("journal.list(A) never returns B's rows", async () => {
    for (const [team, ref] of [
      [teamA, 'LIST-A1'],
      [teamB, 'LIST-B1'],
      [teamA, 'LIST-A2'],
      [teamB, 'LIST-B2'],
      [teamB, 'LIST-B3'],
    ] as const) {
      await post(
        slashCommandBody({
          text: `+919876543210 ${ref} shipped`,
          teamId: team,
          userId: 'UAGENT',
          channelId: 'CORDERS',
          responseUrl: t.slack.responseUrl(ref),
        }),
      );
    }
    await waitForKaleyra(5);
    const { journal } = t.server.services;
    await t.slack.waitFor(() => t.slack.callsTo('chat.postMessage').length >= 5);
    const rowsA = await journal.list(teamA);
    const rowsB = await journal.list(teamB);
    expect(rowsA.map((row) => row.reference_id).sort()).toEqual(['LIST-A1', 'LIST-A2']);
    expect(rowsB.map((row) => row.reference_id).sort()).toEqual(['LIST-B1', 'LIST-B2', 'LIST-B3']);
    expect(rowsA.every((row) => row.workspace_id === teamA)).toBe(true);
    expect(rowsB.every((row) => row.workspace_id === teamB)).toBe(true);
    // Ids that look like patterns or SQL match nothing, not everything.
    for (const probe of [
      '%',
      '_%',
      '*',
      `${teamA}%`,
      `${teamA}' OR '1'='1`,
      teamA.toLowerCase(),
      teamA.slice(0, -1),
      '',
    ]) {
      expect(await journal.list(probe)).toEqual([]);
    }
  });
});
