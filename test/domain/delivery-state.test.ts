import { describe, expect, it } from 'vitest';
import {
  DELIVERY_RANK,
  DELIVERY_STATES,
  isDeliveryFailure,
  readDeliveryStatus,
} from '../../src/domain/delivery-state.ts';
import { readHistoryQuery } from '../../src/domain/history-query.ts';
import { parseSlashCommand } from '../../src/domain/parse-command.ts';

describe('delivery states', () => {
  it('reads Kaleyra’s words, not-sent included, and nothing else', () => {
    expect(readDeliveryStatus('not-sent')).toBe('not_sent');
    expect(readDeliveryStatus(' DELIVERED ')).toBe('delivered');
    expect(['sent', 'read', 'failed'].map(readDeliveryStatus)).toEqual(['sent', 'read', 'failed']);
    for (const word of ['deleted', 'warning', '', 'constructor', '__proto__']) {
      expect(readDeliveryStatus(word)).toBeUndefined();
    }
  });

  it('ranks them read > delivered > failed > sent > not-sent', () => {
    const ordered = [...DELIVERY_STATES].sort((a, b) => DELIVERY_RANK[b] - DELIVERY_RANK[a]);
    expect(ordered).toEqual(['read', 'delivered', 'failed', 'sent', 'not_sent']);
    expect(DELIVERY_STATES.filter(isDeliveryFailure)).toEqual(['not_sent', 'failed']);
  });
});

describe('history queries', () => {
  it('reads a reference, or a number in its canonical form', () => {
    expect(readHistoryQuery(' 395001 ')).toEqual({
      ok: true,
      query: { by: 'reference', referenceId: '395001' },
    });
    expect(readHistoryQuery('+91 98765-43210')).toEqual({
      ok: true,
      query: { by: 'number', to: '+919876543210' },
    });
    expect(readHistoryQuery('').ok).toBe(false);
    expect(readHistoryQuery('+91123').ok).toBe(false);
    expect(readHistoryQuery('R'.repeat(36)).ok).toBe(false);
  });

  it('is the history subcommand of /orderstatus, in any case', () => {
    expect(parseSlashCommand('HISTORY 395001')).toEqual({
      kind: 'history',
      query: { ok: true, query: { by: 'reference', referenceId: '395001' } },
    });
    expect(parseSlashCommand('history').kind).toBe('history');
    // A one-liner still starts with a number.
    expect(parseSlashCommand('+919876543210 history shipped').kind).toBe('send');
  });
});
