import { describe, expect, it } from 'vitest';
import { textOf } from '../support/app-driver.ts';
import { repliesUnder, useConversationApp } from '../support/conversation-driver.ts';
import { sendUpdate } from '../support/delivery-driver.ts';
import { getCallback, postCallback } from '../support/kaleyra-callbacks.ts';
import {
  fixtureText,
  KALEYRA_NUMBERS,
  META_NUMBERS,
  TEST_BUSINESS,
  TEST_CUSTOMER,
  withIds,
} from '../support/published-samples.ts';
import { ownStorageModes } from '../support/scratch-database.ts';

/**
 * Every customer message Kaleyra and Meta publish a sample of, fed to the running app at the callback
 * URL with the workspace's login (numbers adjusted to the test's customer and business number, nothing
 * else): answered 200 (given only within the answer budget), and shown in the order's thread with
 * what it carries.
 */
const SAMPLES: Array<[file: string, ids: Record<string, string>, shows: string[]]> = [
  [
    'kaleyra/incoming-image.json',
    KALEYRA_NUMBERS['kaleyra/incoming-image.json'] ?? {},
    ['*Photo* (image/jpeg): <https://example.com/images/product123.jpg|open it>'],
  ],
  [
    'kaleyra/incoming-location.json',
    KALEYRA_NUMBERS['kaleyra/incoming-location.json'] ?? {},
    ['query=12.9467329,77.646835'],
  ],
  [
    'kaleyra/incoming-list-reply.json',
    KALEYRA_NUMBERS['kaleyra/incoming-list-reply.json'] ?? {},
    ['Chose *1st sec 1 Row ಅತುಲ್*'],
  ],
  [
    'kaleyra/incoming-template-button.json',
    KALEYRA_NUMBERS['kaleyra/incoming-template-button.json'] ?? {},
    ['Tapped the quick reply *message*'],
  ],
  [
    'kaleyra/incoming-reaction.json',
    KALEYRA_NUMBERS['kaleyra/incoming-reaction.json'] ?? {},
    ['Reacted 😂 to a message'],
  ],
  [
    'kaleyra/incoming-contacts.json',
    KALEYRA_NUMBERS['kaleyra/incoming-contacts.json'] ?? {},
    ['Shared a contact: *Rajat Lavekar, IIT dh*'],
  ],
  [
    'kaleyra/incoming-legacy-text.json',
    KALEYRA_NUMBERS['kaleyra/incoming-legacy-text.json'] ?? {},
    ['> Hello this is an answer', '*Test*'],
  ],
  ['meta/text.json', META_NUMBERS, ['> Does it come in another color?', '*Sheena Nelson*']],
  ['meta/interactive-list-reply.json', META_NUMBERS, ['Chose *Priority Mail Express*']],
  ['meta/interactive-button-reply.json', META_NUMBERS, ['Chose *Cancel*']],
  ['meta/document.json', META_NUMBERS, ['*Document* (application/pdf · receipt.pdf)', '> my receipt']],
];

describe.each(await ownStorageModes('published_incoming'))(
  "customers' messages as Kaleyra and Meta publish them, on the %s",
  (_name, storage) => {
    const { t, login } = useConversationApp(storage);

    it.each(SAMPLES)('%s is answered 200 and shown with what it carries', async (file, ids, shows) => {
      const sent = await sendUpdate(t, 'PUB-1', 'APUB0000000000001');
      const answer = await postCallback(t.url, withIds(file, ids), login());
      expect(answer.status).toBe(200);
      const [reply] = await repliesUnder(t, sent.channel ?? '', sent.ts ?? '');
      for (const needle of shows) expect(textOf(reply?.blocks)).toContain(needle);
    });

    it('reads a GET profile’s message (Kaleyra’s profile template, its variables filled as its sample says)', async () => {
      const sent = await sendUpdate(t, 'PUB-2', 'APUB0000000000002');
      const template = new URL(fixtureText('kaleyra/incoming-get-profile.template.txt').trim());
      // The page's sample: body Hi, from 919xxxxxxxx8 (the test's customer), name John, type text.
      const values: Record<string, string> = {
        body: 'Hi',
        from: TEST_CUSTOMER,
        name: 'John',
        type: 'text',
        wanumber: TEST_BUSINESS,
        mobile: TEST_CUSTOMER,
      };
      const query = new URLSearchParams();
      for (const key of template.searchParams.keys()) query.set(key, values[key] ?? '');
      const answer = await getCallback(t.url, query.toString(), login());
      expect(answer.status).toBe(200);
      const [reply] = await repliesUnder(t, sent.channel ?? '', sent.ts ?? '');
      expect(textOf(reply?.blocks)).toContain('> Hi');
      expect(textOf(reply?.blocks)).toContain('*John*');
    });
  },
);
