import { describe, expect, it } from 'vitest';
import {
  MEDIA_LINK_TTL_MS,
  MEDIA_PATH,
  MEDIA_TOKEN_MAX,
  mediaLinkUrl,
  openMediaLink,
  sealMediaLink,
} from '../../src/domain/media-link.ts';
import type { MediaAttachment } from '../../src/domain/media-rules.ts';
import { createCipher, createSealer, parseEncryptionKeys } from '../../src/storage/encryption.ts';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');
const sealer = createSealer(createCipher(parseEncryptionKeys(key(3))));
const NOW = Date.UTC(2026, 11, 8, 10, 0, 0);
const invoice: MediaAttachment = {
  fileId: 'F0INVOICE1',
  kind: 'document',
  mimeType: 'application/pdf',
  size: 48_213,
  filename: 'INV-0042.pdf',
};

describe('media links', () => {
  it('name one file of one workspace, for an hour, and open on any replica with the same key', () => {
    const token = sealMediaLink(sealer, 'T0123ABCD', invoice, NOW);
    // Another process: its own cipher on the same ENCRYPTION_KEY.
    const replica = createSealer(createCipher(parseEncryptionKeys(key(3))));
    expect(openMediaLink(replica, token, NOW + MEDIA_LINK_TTL_MS - 1)).toEqual({
      ok: true,
      claims: {
        workspaceId: 'T0123ABCD',
        fileId: 'F0INVOICE1',
        filename: 'INV-0042.pdf',
        mimeType: 'application/pdf',
        size: 48_213,
        expiresAt: NOW + MEDIA_LINK_TTL_MS,
      },
    });
    expect(MEDIA_LINK_TTL_MS).toBe(3_600_000);
  });

  it('are expired (not unknown) from the hour on', () => {
    const token = sealMediaLink(sealer, 'T0123ABCD', invoice, NOW);
    expect(openMediaLink(sealer, token, NOW + MEDIA_LINK_TTL_MS)).toEqual({ ok: false, reason: 'expired' });
  });

  it('keep the file’s name and id unreadable in the URL', () => {
    const token = sealMediaLink(sealer, 'T0123ABCD', invoice, NOW);
    expect(token).not.toContain('INV');
    expect(token).not.toContain('F0INVOICE1');
    expect(token).toMatch(/^T0123ABCD\.[A-Za-z0-9._-]+$/);
    expect(mediaLinkUrl('https://orderstatus.example.com/', token)).toBe(
      `https://orderstatus.example.com${MEDIA_PATH}${token}`,
    );
  });

  it('do not open when altered, forged, made with another key, or moved to another workspace', () => {
    const token = sealMediaLink(sealer, 'T0123ABCD', invoice, NOW);
    const invalid = { ok: false, reason: 'invalid' };
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(openMediaLink(sealer, `${token.slice(0, -1)}${last}`, NOW)).toEqual(invalid);
    expect(openMediaLink(sealer, token.replace('T0123ABCD', 'T9999ZZZZ'), NOW)).toEqual(invalid);
    const other = createSealer(createCipher(parseEncryptionKeys(key(4))));
    expect(openMediaLink(other, token, NOW)).toEqual(invalid);
    // Sealed by us, but for another purpose (a Slack button's value).
    const button = `T0123ABCD.${sealer.seal('[1,"F1","a.pdf","application/pdf",1,9999999999999]', { purpose: 'action', workspaceId: 'T0123ABCD' })}`;
    expect(openMediaLink(sealer, button, NOW)).toEqual(invalid);
    for (const junk of [
      '',
      'T0123ABCD',
      'T0123ABCD.',
      '../etc/passwd',
      'x'.repeat(MEDIA_TOKEN_MAX + 1),
      'ünicode.x',
    ]) {
      expect(openMediaLink(sealer, junk, NOW)).toEqual(invalid);
    }
  });

  it('stay within MEDIA_TOKEN_MAX for the longest name of the widest characters', () => {
    const widest = { ...invoice, filename: `${'😀'.repeat(118)}.pdf` };
    const token = sealMediaLink(sealer, 'E0123456789ABCDEF', widest, NOW);
    expect(token.length).toBeLessThanOrEqual(MEDIA_TOKEN_MAX);
    expect(openMediaLink(sealer, token, NOW)).toMatchObject({
      ok: true,
      claims: { filename: widest.filename },
    });
  });
});
