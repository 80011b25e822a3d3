import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The samples Slack, Kaleyra and Meta publish (test/fixtures/, sources in its README), read as stored
 * and fed to the app with only their ids adjusted to the test's workspace: each replacement below is
 * the whole of what a test changes, and the README lists the same.
 */

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');

/** A fixture's text exactly as stored. */
export function fixtureText(file: string): string {
  return readFileSync(path.join(FIXTURES, file), 'utf8');
}

/** The fixture's text with each id (key) replaced by the test's own (value), everywhere it occurs. */
export function withIds(file: string, ids: Readonly<Record<string, string>>): string {
  let text = fixtureText(file);
  for (const [published, ours] of Object.entries(ids)) text = text.split(published).join(ours);
  return text;
}

/** The customer every test sends its order update to (sendUpdate), WhatsApp's spelling. */
export const TEST_CUSTOMER = '919876543210';
/** The workspace's business number (SETTINGS), WhatsApp's spelling. */
export const TEST_BUSINESS = '919876500000';

/**
 * Kaleyra masks the numbers in its samples with X (`919XXXXXXXXX`), which is no number at all: each
 * masked or sample customer number is the test's customer, each business number the workspace's.
 */
export const KALEYRA_NUMBERS: Readonly<Record<string, Record<string, string>>> = {
  'kaleyra/incoming-image.json': { '919XXXXXXXXX': TEST_CUSTOMER, '918XXXXXXXXX': TEST_BUSINESS },
  'kaleyra/incoming-location.json': {
    '919XXXXXXXX7': TEST_CUSTOMER,
    '9197XXXXXXXX': TEST_CUSTOMER,
    '9180XXXXXXXX': TEST_BUSINESS,
  },
  'kaleyra/incoming-list-reply.json': {
    '"91XXXXXXXXXX"': `"${TEST_CUSTOMER}"`,
    '919740776505': TEST_CUSTOMER,
    '918XXXXXXXX0': TEST_BUSINESS,
  },
  'kaleyra/incoming-template-button.json': {
    '"91XXXXXXXXXX"': `"${TEST_CUSTOMER}"`,
    '918XXXXXXXX0': TEST_BUSINESS,
  },
  'kaleyra/incoming-reaction.json': { '919740776505': TEST_CUSTOMER, '918068177179': TEST_BUSINESS },
  'kaleyra/incoming-contacts.json': {
    '919XXXXXXXX7': TEST_CUSTOMER,
    '919XXXXXXXX5': TEST_CUSTOMER,
    '"91XXXXXXXXXX"': `"${TEST_BUSINESS}"`,
  },
  'kaleyra/incoming-legacy-text.json': { '1XXXXXXXX34': TEST_CUSTOMER, '1XXXXXXXX63': TEST_CUSTOMER },
};

/** Meta's samples: the customer 16505551234 is the test's customer, the business number the workspace's. */
export const META_NUMBERS: Readonly<Record<string, string>> = {
  '16505551234': TEST_CUSTOMER,
  '15550783881': TEST_BUSINESS,
};
