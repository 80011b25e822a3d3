import { beforeEach, describe, expect, it } from 'vitest';
import { command, outcomeOf, textOf, useTestApp } from '../support/app-driver.ts';
import { runCliProcess } from '../support/cli-process.ts';
import { CUSTOMER, customerSays } from '../support/consent-driver.ts';
import type { Login } from '../support/kaleyra-callbacks.ts';
import { useScratchDatabase } from '../support/scratch-database.ts';
import { TEST_ENCRYPTION_KEY } from '../support/start-app.ts';

// A database of its own: the CLI adds a keyword beside the running server.
const scratch = await useScratchDatabase('consentwords');

/**
 * Which customer messages are read for consent words, and which words: only what a customer types or
 * taps (a text, a quick reply, a reply button; a button's payload as well as its text), never a contact
 * card's name, a location's name or a caption; STOP-like words only, not words an order conversation
 * uses ("cancel", "end", "quit"), unless the workspace's admins add them.
 */
describe.skipIf(!scratch)('consent words', () => {
  const t = useTestApp(scratch ? { kind: 'postgres', url: scratch.url } : undefined);
  let login: Login;
  beforeEach(async () => {
    login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
  });
  const optedOut = async () => (await t.server.services.consent.list(t.team)).total;
  const says = (message: Record<string, unknown>) => customerSays(t, login, '', { message });

  it('“Cancel” in answer to an order update is a message, not an opt-out: the agent’s canceled update goes', async () => {
    for (const word of ['Cancel', 'END', 'quit.']) await customerSays(t, login, word);
    expect(await optedOut()).toBe(0);
    const sent = command(t, `${CUSTOMER.e164} WORDS-1 canceled Canceled as you asked`);
    await sent.post();
    expect(textOf((await outcomeOf(t, sent)).body)).toContain('message_id');
    // Each was shown for an agent to answer (with a Reply button), none as an opt-out.
    const posts = t.slack.callsTo('chat.postMessage').map((call) => textOf(call.body));
    expect(posts.some((post) => post.includes('opted out'))).toBe(false);
  });

  it('OPTOUT opts out, and so do STOP, STOPALL and UNSUBSCRIBE', async () => {
    for (const [i, word] of ['optout', 'STOP', 'stopall', 'Unsubscribe'].entries()) {
      await customerSays(t, login, word, { from: `91987654${3300 + i}` });
    }
    expect(await optedOut()).toBe(4);
  });

  it('a contact card named “STOP”, a location named “STOP” and a photo captioned “STOP” opt nobody out', async () => {
    await says({ type: 'contacts', contacts: [{ name: { formatted_name: 'STOP', first_name: 'STOP' } }] });
    await says({ type: 'contacts', contacts: [{ name: { formatted_name: 'End', first_name: 'End' } }] });
    await says({
      type: 'location',
      location: { latitude: 19.07, longitude: 72.87, name: 'STOP', address: 'x' },
    });
    await says({ type: 'image', image: { caption: 'STOP', mime_type: 'image/jpeg', id: 'media-1' } });
    await says({
      type: 'interactive',
      interactive: { type: 'list_reply', list_reply: { id: 'menu-3', title: 'STOP', description: 'a menu' } },
    });
    expect(await optedOut()).toBe(0);
  });

  it('a quick reply whose payload is STOP (its text “Stop promotions”) opts out; so does a reply button', async () => {
    await says({ type: 'button', button: { payload: 'STOP', text: 'Stop promotions' } });
    expect(await optedOut()).toBe(1);
    await says({
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'START', title: 'Resume updates' } },
    });
    expect(await optedOut()).toBe(0);
    await says({ type: 'button', button: { payload: 'promo-off', text: 'Unsubscribe' } });
    expect(await optedOut()).toBe(1);
  });

  it('an admin may make CANCEL an opt-out word of the workspace', async () => {
    const added = await runCliProcess(['optout', 'keyword-add', '--team', t.team, '--word', 'cancel'], {
      DATA_DIR: `${t.dataDir}/cli`,
      DATABASE_URL: scratch?.url ?? '',
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    });
    expect(added.code, added.stderr).toBe(0);
    await customerSays(t, login, 'Cancel!');
    expect(await optedOut()).toBe(1);
  });
});
