import { describe, expect, it } from 'vitest';
import { command, outcomeOf, textOf } from '../support/app-driver.ts';
import { runCliProcess } from '../support/cli-process.ts';
import {
  customerSays,
  repliesUnder,
  settledRow,
  textMessage,
  useConversationApp,
} from '../support/conversation-driver.ts';
import { sendUpdate } from '../support/delivery-driver.ts';
import { acceptedAs, acceptingSessionTextsAs } from '../support/fake-kaleyra.ts';
import { cliBeside } from '../support/replies-driver.ts';
import { ownStorageModes } from '../support/scratch-database.ts';
import type { StorageMode } from '../support/start-app.ts';

/** Customers whose WhatsApp id is not the number the agent typed, as WhatsApp reports them. */
const CUSTOMERS = [
  { who: 'a Mexican mobile (521…)', typed: '+525512345678', waId: '5215512345678', masked: '+52 •••• 5678' },
  {
    who: 'an older Brazilian mobile (no ninth digit)',
    typed: '+5511987654321',
    waId: '551187654321',
    masked: '+55 •••• 4321',
  },
  {
    who: 'an Argentine mobile (549…) the agent typed without the 9',
    typed: '+541112345678',
    waId: '5491112345678',
    masked: '+54 •••• 5678',
  },
  {
    // Valid both ways by libphonenumber: the number the workspace sent to is the one kept.
    who: 'a Brazilian number valid with and without the 9, typed without',
    typed: '+551177654321',
    waId: '551177654321',
    masked: '+55 •••• 4321',
  },
] as const;

let counter = 0;
const reference = () => `WAID-${++counter}-${Math.random().toString(36).slice(2, 6).toUpperCase()}`;

// A database of its own: the sweeper of other files' apps would post this file's messages.
describe.each(await ownStorageModes('whatsapp_ids'))(
  'WhatsApp ids read as the numbers agents type, on the %s',
  (_name, storage) => {
    const { t, login } = useConversationApp(storage);

    it.each(CUSTOMERS)(
      '$who: the answer lands in the order’s thread, and STOP stops the next send to the typed number',
      async ({ typed, waId, masked }) => {
        const ref = reference();
        const sent = await sendUpdate(t, ref, `A${ref.replace(/\W/g, '')}00000001`, { to: typed });
        expect(sent.via).toBe('channel');

        await customerSays(t, login(), {
          id: `wamid.${ref}-a`,
          from: waId,
          message: textMessage('Not here yet'),
        });
        const [answer] = await repliesUnder(t, sent.channel ?? '', sent.ts ?? '');
        expect(textOf(answer?.blocks)).toContain('Not here yet');
        expect(textOf(answer?.blocks)).toContain(masked);
        expect(await settledRow(t, `wamid.${ref}-a`)).toMatchObject({ post_state: 'thread' });

        await customerSays(t, login(), { id: `wamid.${ref}-b`, from: waId, message: textMessage('STOP') });
        t.kaleyra.reset();
        const next = command(t, `${typed} ${ref} completed`);
        await next.post();
        expect(textOf((await outcomeOf(t, next)).body)).toContain('OPTED_OUT');
        expect(t.kaleyra.requests).toHaveLength(0);
      },
    );

    it('a Mexican customer’s message opens the reply window of the number agents type, and is in its history', async () => {
      const [mexican] = CUSTOMERS;
      const ref = reference();
      await sendUpdate(t, ref, `A${ref.replace(/\W/g, '')}00000001`, { to: mexican.typed });
      await customerSays(t, login(), {
        id: `wamid.${ref}-a`,
        from: mexican.waId,
        message: textMessage('Can you call me?'),
      });
      await settledRow(t, `wamid.${ref}-a`);
      t.kaleyra.respondWith(acceptingSessionTextsAs(acceptedAs('AWAIDREPLY00000001')));
      const env = cliBeside(t, storage as StorageMode);

      const replied = await runCliProcess(
        ['reply', '--team', t.team, '--to', mexican.typed, '--text', 'Calling you now.'],
        env,
      );
      expect(replied.stderr).toBe('');
      expect(replied.stdout).toBe('AWAIDREPLY00000001\n');
      const [text] = t.kaleyra.requests.filter((r) => textOf(r.body).includes('"type":"text"'));
      expect(text?.body).toMatchObject({ messaging_object: { to: mexican.typed } });

      const history = await runCliProcess(['history', '--team', t.team, '--to', mexican.typed], env);
      expect(history.code, history.stderr).toBe(0);
      expect(history.stdout).toContain(`in   Samuel (${mexican.masked}) wrote`);
      expect(history.stdout).toContain('Can you call me?');
    });
  },
);
