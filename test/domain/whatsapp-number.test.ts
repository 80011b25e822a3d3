import { describe, expect, it } from 'vitest';
import { validPhoneNumber } from '../../src/domain/order-status.ts';
import { chooseNumber, numbersOfWhatsAppId } from '../../src/domain/whatsapp-number.ts';

describe('numbersOfWhatsAppId', () => {
  it.each([
    ['Mexico: 521 + 10 digits is +52 + 10 digits', '5215512345678', ['+525512345678']],
    ['Mexico: an id already without the 1', '525512345678', ['+525512345678']],
    ['Brazil: an old mobile without the ninth digit', '551187654321', ['+5511987654321']],
    ['Brazil: a mobile with it', '5511987654321', ['+5511987654321']],
    ['Brazil: valid both ways (7…), the 9 first', '551177654321', ['+5511977654321', '+551177654321']],
    ['Brazil: a landline (2–5) is never given a 9', '551137654321', ['+551137654321']],
    [
      'Argentina: 549 is the mobile, +54 the same number as a landline is dialled',
      '5491112345678',
      ['+5491112345678', '+541112345678'],
    ],
    ['Argentina: a 54 id is never read as 549', '541112345678', ['+541112345678']],
    ['India: as it is', '919876543210', ['+919876543210']],
    ['a leading + is read the same', '+5215512345678', ['+525512345678']],
    ['no valid number by the rule: the id as it is', '5210012345678', ['+5210012345678']],
  ])('%s', (_what, waId, numbers) => {
    expect(numbersOfWhatsAppId(waId)).toEqual(numbers);
  });

  it('gives only numbers agents could have typed (valid by libphonenumber) when a rule applies', () => {
    for (const waId of ['5215512345678', '551187654321', '551177654321', '5491112345678']) {
      for (const number of numbersOfWhatsAppId(waId)) expect(validPhoneNumber(number)).toBe(number);
    }
  });
});

describe('chooseNumber', () => {
  const numbers = ['+5491112345678', '+541112345678'];
  it('keeps the number the workspace sent to', () => {
    expect(chooseNumber(numbers, '+541112345678')).toBe('+541112345678');
  });
  it('else the likeliest', () => {
    expect(chooseNumber(numbers, undefined)).toBe('+5491112345678');
    expect(chooseNumber(numbers, '+919876543210')).toBe('+5491112345678');
  });
});
