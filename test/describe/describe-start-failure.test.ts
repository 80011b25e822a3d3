import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.ts';
import { describeStartFailure } from '../../src/describe/describe-start-failure.ts';

describe('describeStartFailure', () => {
  it('one line when nothing caused the error', () => {
    expect(describeStartFailure(new Error('PORT is taken'))).toEqual([
      'orderstatus: cannot start: PORT is taken',
    ]);
  });

  it('each cause on its own line, with its system code when the message lacks it', () => {
    const system = Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' });
    const middle = new TypeError('fetch failed', { cause: system });
    const error = new Error('Could not open the database.', { cause: middle });
    expect(describeStartFailure(error)).toEqual([
      'orderstatus: cannot start: Could not open the database.',
      '  because: TypeError: fetch failed',
      '  because: connect refused (ECONNREFUSED)',
    ]);
  });

  it('stops at a cycle, and lists every configuration problem on its own line', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(describeStartFailure(b)).toEqual(['orderstatus: cannot start: b', '  because: a']);
    expect(describeStartFailure(new ConfigError(['one', 'two']))).toEqual([
      'orderstatus: cannot start:',
      '  one',
      '  two',
    ]);
  });
});
