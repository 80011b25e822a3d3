import { describe, expect, it } from 'vitest';
import { parseOrderStatusCommand, parseSlashCommand } from '../../src/domain/parse-command.ts';

describe('parseOrderStatusCommand', () => {
  it('reads phone, reference, status and the rest of the line as description', () => {
    expect(parseOrderStatusCommand('+919876543210 395001 shipped Your parcel left our warehouse')).toEqual({
      ok: true,
      request: {
        to: '+919876543210',
        referenceId: '395001',
        status: 'shipped',
        description: 'Your parcel left our warehouse',
      },
    });
  });

  it('takes a quoted description without its quotes, typographic quotes too', () => {
    for (const line of [
      '+919876543210 395001 shipped "Left the warehouse"',
      '+919876543210 395001 shipped “Left the warehouse”',
      "+919876543210 395001 shipped 'Left the warehouse'",
    ]) {
      const parsed = parseOrderStatusCommand(line);
      expect(parsed.ok && parsed.request.description).toBe('Left the warehouse');
    }
  });

  it('joins a phone number typed with spaces', () => {
    const parsed = parseOrderStatusCommand('+91 98765 43210 395001 Cancelled');
    expect(parsed).toEqual({
      ok: true,
      request: { to: '+919876543210', referenceId: '395001', status: 'canceled' },
    });
  });

  it('accepts the two-word status "partially shipped"', () => {
    const parsed = parseOrderStatusCommand('+16505550123 A-1 partially shipped 2 of 3 boxes');
    expect(parsed).toEqual({
      ok: true,
      request: {
        to: '+16505550123',
        referenceId: 'A-1',
        status: 'partially_shipped',
        description: '2 of 3 boxes',
      },
    });
  });

  it('returns what it could read plus one issue per missing or wrong field', () => {
    const parsed = parseOrderStatusCommand('+919876543210 395001');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.fields).toEqual({ to: '+919876543210', referenceId: '395001' });
    expect(Object.keys(parsed.issues)).toEqual(['status']);
  });

  it('reports a bad phone but keeps the other fields for the modal', () => {
    const parsed = parseOrderStatusCommand('12345 395001 shipped');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.fields).toEqual({ to: '12345', referenceId: '395001', status: 'shipped' });
    expect(parsed.issues.to).toContain('+');
  });

  it('rejects a 121-character description with the fields intact', () => {
    const parsed = parseOrderStatusCommand(`+919876543210 395001 shipped ${'d'.repeat(121)}`);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues.description).toContain('120');
    const ok = parseOrderStatusCommand(`+919876543210 395001 shipped ${'d'.repeat(120)}`);
    expect(ok.ok).toBe(true);
  });

  it('never throws on awkward strings', () => {
    const samples = [
      '',
      ' ',
      '"',
      '“',
      '+',
      '+ + +',
      '\u0000\n\t',
      'x'.repeat(100_000),
      '😀 😀 😀 😀',
      '\\"',
    ];
    for (const text of samples) expect(() => parseOrderStatusCommand(text)).not.toThrow();
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong type from an untyped edge
    expect(() => parseOrderStatusCommand(undefined as any)).not.toThrow();
  });

  it('answers a number with an unknown country code (+999) with an issue on the number, not a throw', () => {
    const parsed = parseOrderStatusCommand('+999123456789 A1 shipped');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues.to).toMatch(/not a valid phone number/);
  });
});

describe('parseSlashCommand', () => {
  it.each([
    ['help', 'help'],
    ['  HELP ', 'help'],
    ['config', 'config'],
    ['', 'modal'],
    ['+919876543210', 'modal'],
    ['+919876543210 395001 shipped', 'send'],
  ])('%j → %s', (text, kind) => {
    expect(parseSlashCommand(text).kind).toBe(kind);
  });
});
