import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSurface } from '../../src/cli/cli-surface.ts';
import { describeError } from '../../src/describe/describe-error.ts';
import { PLAIN_SURFACE } from '../../src/describe/surface.ts';
import { SESSION_TEXT_MAX } from '../../src/domain/session-text.ts';
import { SavedReplyError } from '../../src/errors/saved-reply-error.ts';
import { ValidationError } from '../../src/errors/validation-error.ts';
import { createSavedReplies } from '../../src/services/saved-replies.ts';
import { createSavedRepliesStore } from '../../src/storage/saved-replies-store.ts';
import { databaseStores, type OpenedDatabase } from '../support/database-stores.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { uniqueTeamId } from '../support/start-app.ts';

const pgUrl = await probeTestDatabase();
const context = {
  customerName: 'Asha',
  referenceId: '395001',
  status: 'partially_shipped',
  agentName: 'Ravi',
} as const;

/** What a refusal says on a terminal, and its code. */
async function refusal(work: Promise<unknown>) {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SavedReplyError);
  const words = describeError(error, cliSurface());
  return `${words.code}: ${words.summary} ${words.nextStep}`;
}

describe.each(databaseStores('savedservice', pgUrl))('the saved-replies service on the %s', (_name, open) => {
  let opened: OpenedDatabase;
  beforeAll(async () => {
    if (open) opened = await open();
  });
  afterAll(async () => {
    await opened?.close();
  });
  const service = (max?: number) =>
    createSavedReplies({ store: createSavedRepliesStore(opened.db), ...(max ? { max } : {}) });

  it.skipIf(!open)('fills a picked reply in for a send, whatever case the pick is in', async () => {
    const team = uniqueTeamId();
    const replies = service();
    const added = await replies.add({
      workspaceId: team,
      name: ' Shipped  note ',
      text: 'Hi {name}, order {order} is {status}. {{Ravi}} — {agent}',
      by: 'UADMIN',
    });
    expect(added).toMatchObject({ reply: { name: 'Shipped note' }, replaced: false, count: 1 });
    expect(await replies.fill({ workspaceId: team, name: 'SHIPPED NOTE', context })).toEqual({
      ok: true,
      name: 'Shipped note',
      text: 'Hi Asha, order 395001 is partially shipped. {Ravi} — Ravi',
    });
  });

  it.skipIf(!open)('refuses a send, naming the placeholder, when it has no value', async () => {
    const team = uniqueTeamId();
    const replies = service();
    await replies.add({ workspaceId: team, name: 'Hello', text: 'Hello {name}!', by: 'UADMIN' });
    const filled = await replies.fill({
      workspaceId: team,
      name: 'hello',
      context: { ...context, customerName: null },
    });
    expect(filled.ok).toBe(false);
    if (filled.ok) return;
    expect(filled.error.problem).toEqual({ reason: 'unfilled', name: 'Hello', placeholder: 'name' });
    const words = describeError(filled.error, PLAIN_SURFACE);
    expect(words.code).toBe('PLACEHOLDER_EMPTY');
    expect(words.summary).toBe(
      'The saved reply “Hello” uses {name}, the customer’s WhatsApp name, and there is none here (WhatsApp gave no profile name for this customer), so nothing was sent.',
    );
    expect(words.nextStep).toBe('Write the reply yourself, or pick a saved reply without {name}.');
  });

  it.skipIf(!open)('refuses a send of a reply that is gone, or too long once filled in', async () => {
    const team = uniqueTeamId();
    const replies = service();
    const gone = await replies.fill({ workspaceId: team, name: 'Nothing', context });
    expect(gone.ok ? undefined : gone.error.problem).toEqual({ reason: 'not_found', name: 'Nothing' });
    await replies.add({
      workspaceId: team,
      name: 'Long',
      text: `${'a'.repeat(SESSION_TEXT_MAX - 7)} {name}`,
      by: 'UADMIN',
    });
    const long = await replies.fill({
      workspaceId: team,
      name: 'Long',
      context: { customerName: 'Ashwini' },
    });
    expect(long.ok ? undefined : describeError(long.error, PLAIN_SURFACE).summary).toBe(
      'Filled in, the saved reply “Long” is 4,097 characters, over WhatsApp’s 4,096 for a reply, so nothing was sent.',
    );
  });

  it.skipIf(!open)(
    'refuses a duplicate, a full workspace and an unknown name, saying what to do',
    async () => {
      const team = uniqueTeamId();
      const replies = service(2);
      await replies.add({ workspaceId: team, name: 'One', text: 'x', by: 'cli' });
      expect(await refusal(replies.add({ workspaceId: team, name: 'ONE', text: 'y', by: 'cli' }))).toMatch(
        new RegExp(
          `^SAVED_REPLY_EXISTS: A saved reply named “One” already exists \\(saved by the CLI \\d{4}-.+Z\\), so nothing was changed\\. Give it another name, or replace its text with: orderstatus replies add --team ${team} --name … --text … --replace$`,
        ),
      );
      await replies.add({ workspaceId: team, name: 'Two', text: 'x', by: 'cli' });
      expect(await refusal(replies.add({ workspaceId: team, name: 'Three', text: 'x', by: 'cli' }))).toBe(
        `SAVED_REPLIES_FULL: Workspace ${team} keeps 2 saved replies, the most it may (agents pick them from one list in Slack), so nothing was changed. Remove one no longer used first with: orderstatus replies remove --team ${team} --name …`,
      );
      expect(await refusal(replies.remove(team, 'three'))).toBe(
        `SAVED_REPLY_NOT_FOUND: There is no saved reply named “three”, so nothing was changed. It may have been removed or renamed. List the saved replies with: orderstatus replies list --team ${team}`,
      );
      await expect(
        replies.add({ workspaceId: team, name: 'x', text: 'Hi {nme}', by: 'cli' }),
      ).rejects.toThrow(ValidationError);
      expect((await replies.list(team)).map((r) => r.name)).toEqual(['One', 'Two']);
    },
  );
});
