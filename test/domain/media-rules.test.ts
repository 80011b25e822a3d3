import { describe, expect, it } from 'vitest';
import {
  CAPTION_MAX,
  checkCaption,
  checkMediaFile,
  contentMatches,
  MEDIA_EXTENSIONS,
  MEDIA_FILENAME_MAX,
  MEDIA_TYPES,
  MEGABYTE,
  mediaFilename,
} from '../../src/domain/media-rules.ts';

const file = (name: string, mimeType: string, size = 1_000) => ({ fileId: 'F1', name, mimeType, size });

describe('checkMediaFile', () => {
  it('takes JPEG and PNG photos as images and PDFs as documents, by their MIME type', () => {
    expect(checkMediaFile(file('parcel.jpg', 'image/jpeg'))).toEqual({
      ok: true,
      value: { fileId: 'F1', kind: 'image', mimeType: 'image/jpeg', size: 1_000, filename: 'parcel.jpg' },
    });
    expect(checkMediaFile(file('parcel.PNG', 'image/png'))).toMatchObject({
      ok: true,
      value: { kind: 'image', filename: 'parcel.PNG' },
    });
    expect(checkMediaFile(file('INV-0042.pdf', 'application/pdf; charset=binary'))).toMatchObject({
      ok: true,
      value: { kind: 'document', mimeType: 'application/pdf', filename: 'INV-0042.pdf' },
    });
    expect(checkMediaFile(file('old.jpg', 'image/jpg'))).toMatchObject({
      ok: true,
      value: { mimeType: 'image/jpeg' },
    });
    expect(MEDIA_EXTENSIONS).toEqual(['jpg', 'jpeg', 'png', 'pdf']);
  });

  it('refuses other types, naming the file and its type', () => {
    for (const mimeType of ['image/gif', 'image/heic', 'video/mp4', 'text/plain', '']) {
      expect(checkMediaFile(file('x.bin', mimeType))).toEqual({
        ok: false,
        problem: { kind: 'type', name: 'x.bin', mimeType },
      });
    }
  });

  it('holds each type to Meta’s limit, in millions of bytes: 5 for a photo, 100 for a PDF', () => {
    expect(MEDIA_TYPES['image/jpeg'].maxBytes).toBe(5 * MEGABYTE);
    expect(checkMediaFile(file('a.jpg', 'image/jpeg', 5_000_000))).toMatchObject({ ok: true });
    expect(checkMediaFile(file('a.jpg', 'image/jpeg', 5_000_001))).toEqual({
      ok: false,
      problem: { kind: 'too_large', name: 'a.jpg', mimeType: 'image/jpeg', size: 5_000_001 },
    });
    expect(checkMediaFile(file('a.png', 'image/png', 5_000_001))).toMatchObject({
      problem: { kind: 'too_large' },
    });
    expect(checkMediaFile(file('a.pdf', 'application/pdf', 100_000_000))).toMatchObject({ ok: true });
    expect(checkMediaFile(file('a.pdf', 'application/pdf', 100_000_001))).toMatchObject({
      problem: { kind: 'too_large' },
    });
    expect(checkMediaFile(file('a.pdf', 'application/pdf', 0))).toEqual({
      ok: false,
      problem: { kind: 'empty', name: 'a.pdf' },
    });
  });

  it('refuses a name whose extension is of another kind of file than its content', () => {
    expect(checkMediaFile(file('invoice.docx', 'application/pdf'))).toEqual({
      ok: false,
      problem: {
        kind: 'name_mismatch',
        name: 'invoice.docx',
        mimeType: 'application/pdf',
        extension: 'docx',
      },
    });
    expect(checkMediaFile(file('scan.png', 'application/pdf'))).toMatchObject({
      problem: { kind: 'name_mismatch' },
    });
    expect(checkMediaFile(file('photo.pdf', 'image/jpeg'))).toMatchObject({
      problem: { kind: 'name_mismatch' },
    });
    // Both pictures: WhatsApp shows no name for an image, and the type served is the content's.
    expect(checkMediaFile(file('photo.jpg', 'image/png'))).toMatchObject({ ok: true });
  });
});

describe('mediaFilename', () => {
  const pdf = (name: string) => mediaFilename(name, 'application/pdf');

  it('gives a name without an extension its type’s, and keeps digits after a dot as part of the name', () => {
    expect(pdf('Invoice 0042')).toEqual({ ok: true, value: 'Invoice 0042.pdf' });
    expect(pdf('Order 12.5')).toEqual({ ok: true, value: 'Order 12.5.pdf' });
    expect(mediaFilename('IMG_2031', 'image/png')).toEqual({ ok: true, value: 'IMG_2031.png' });
  });

  it('drops invisible and control characters, makes path and quoting characters _, collapses spaces', () => {
    // `Refund \u202Efdp.exe` would read as `Refund exe.pdf`; without the override it is what it is.
    expect(pdf('Refund \u202Efdp.pdf')).toEqual({ ok: true, value: 'Refund fdp.pdf' });
    expect(pdf('a\u0000b\u0007c\u200B.pdf')).toEqual({ ok: true, value: 'abc.pdf' });
    expect(pdf('../../etc/"passwd" <1>.pdf')).toEqual({ ok: true, value: '_.._etc__passwd_ _1_.pdf' });
    expect(pdf('  many \t\n spaces   .pdf')).toEqual({ ok: true, value: 'many spaces.pdf' });
    expect(pdf('...hidden.pdf')).toEqual({ ok: true, value: 'hidden.pdf' });
    expect(pdf('.pdf')).toEqual({ ok: true, value: 'file.pdf' });
    expect(pdf('\u202E')).toEqual({ ok: true, value: 'file.pdf' });
  });

  it('keeps the name within 240 characters, its extension kept, no emoji cut in half', () => {
    const long = pdf(`${'a'.repeat(300)}.pdf`);
    expect(long).toEqual({ ok: true, value: `${'a'.repeat(MEDIA_FILENAME_MAX - 4)}.pdf` });
    const emoji = pdf(`${'😀'.repeat(200)}.PDF`);
    const value = emoji.ok ? emoji.value : '';
    expect(value.length).toBeLessThanOrEqual(MEDIA_FILENAME_MAX);
    expect(value.endsWith('.PDF')).toBe(true);
    expect(value.isWellFormed()).toBe(true);
  });

  it('is linear on hostile names', () => {
    const started = performance.now();
    pdf(`${' .'.repeat(50_000)}x`);
    pdf(`${'\t'.repeat(100_000)}.pdf`);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('checkCaption', () => {
  it('takes none, or plain text of up to 1,024 characters after trimming; empty means none', () => {
    expect(checkCaption(undefined)).toEqual({ ok: true, value: undefined });
    expect(checkCaption('   ')).toEqual({ ok: true, value: undefined });
    expect(checkCaption(' Invoice for order 0042\nThank you ')).toEqual({
      ok: true,
      value: 'Invoice for order 0042\nThank you',
    });
    expect(checkCaption('a'.repeat(CAPTION_MAX))).toMatchObject({ ok: true });
    const long = checkCaption('a'.repeat(CAPTION_MAX + 1));
    expect(long).toMatchObject({ ok: false, problem: { kind: 'caption' } });
    expect(long.ok ? '' : JSON.stringify(long.problem)).toContain('1,024');
  });

  it('refuses invisible format characters (naming them), control characters and half an emoji', () => {
    const hidden = checkCaption('Refund \u202Efdp.exe');
    expect(hidden.ok ? '' : JSON.stringify(hidden.problem)).toContain('RIGHT-TO-LEFT OVERRIDE (U+202E)');
    expect(checkCaption('bell\u0007')).toMatchObject({ ok: false });
    expect(checkCaption('half \uD83D emoji')).toMatchObject({ ok: false });
  });
});

describe('contentMatches', () => {
  const bytes = (...values: number[]) => Uint8Array.from(values);
  it('knows JPEG, PNG and PDF by their first bytes', () => {
    expect(contentMatches('image/jpeg', bytes(0xff, 0xd8, 0xff, 0xe0))).toBe(true);
    expect(contentMatches('image/png', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe(true);
    expect(contentMatches('application/pdf', Buffer.from('%PDF-1.7\n'))).toBe(true);
    // PDF readers allow a little junk before the header.
    expect(contentMatches('application/pdf', Buffer.from('\r\n\r\n%PDF-1.4'))).toBe(true);
  });

  it('refuses a file that is not what its type says', () => {
    expect(contentMatches('image/jpeg', Buffer.from('%PDF-1.7'))).toBe(false);
    expect(contentMatches('image/png', bytes(0xff, 0xd8, 0xff))).toBe(false);
    expect(contentMatches('application/pdf', Buffer.from('<html>sign in</html>'))).toBe(false);
    expect(contentMatches('image/jpeg', bytes())).toBe(false);
    expect(
      contentMatches('application/pdf', Buffer.concat([Buffer.alloc(1_024), Buffer.from('%PDF-')])),
    ).toBe(false);
  });
});
