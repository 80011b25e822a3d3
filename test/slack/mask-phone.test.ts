import { describe, expect, it } from 'vitest';
import { maskPhoneNumber } from '../../src/domain/mask-phone.ts';

describe('maskPhoneNumber', () => {
  it.each([
    ['+919876543210', '+91 •••• 3210'],
    ['+91 98765 43210', '+91 •••• 3210'],
    ['+14155552671', '+1 •••• 2671'],
    ['+6591234567', '+65 •••• 4567'],
    ['919876543210', '•••• 3210'],
    ['+4420', '+44 ••••'],
    ['12', '••••'],
    ['', '••••'],
    ['not a number', '••••'],
  ])('%j → %j', (raw, masked) => {
    expect(maskPhoneNumber(raw)).toBe(masked);
  });

  it('never shows the middle digits', () => {
    expect(maskPhoneNumber('+919876543210')).not.toContain('98765');
  });
});
