import * as v from 'valibot';
import { INVISIBLE_CHARACTERS } from './order-status.ts';
import { agentTextSchema, TEXT_CONTROL_CHARACTERS } from './session-text.ts';

/**
 * Meta writes its media limits in "MB"; read as a million bytes, the stricter reading, so WhatsApp
 * never refuses (error 131053, after the agent was told it went) a file we took.
 */
export const MEGABYTE = 1_000_000;

/** What WhatsApp shows: a picture, or a document with its name and icon. */
export type MediaKind = 'image' | 'document';

type MediaType = { kind: MediaKind; label: string; extensions: readonly string[]; maxBytes: number };

/**
 * What an agent may attach, by MIME type, with WhatsApp's limits for it (Meta's "Image Messages" and
 * "Document Messages", in kaleyra-whatsapp-payments-and-media.md §3): photos of a parcel, and invoices.
 * The first extension is the one a name without any gets.
 */
export const MEDIA_TYPES = {
  'image/jpeg': { kind: 'image', label: 'JPEG', extensions: ['jpg', 'jpeg'], maxBytes: 5 * MEGABYTE },
  'image/png': { kind: 'image', label: 'PNG', extensions: ['png'], maxBytes: 5 * MEGABYTE },
  'application/pdf': { kind: 'document', label: 'PDF', extensions: ['pdf'], maxBytes: 100 * MEGABYTE },
} as const satisfies Record<string, MediaType>;

export type MediaMimeType = keyof typeof MEDIA_TYPES;

/** Every extension an attachment may have (Slack's `file_input.filetypes`). */
export const MEDIA_EXTENSIONS: readonly string[] = Object.values(MEDIA_TYPES).flatMap((t) => t.extensions);

/** WhatsApp's limit for a media caption. */
export const CAPTION_MAX = 1_024;
/** The longest file name the customer is shown (extension included). */
export const MEDIA_FILENAME_MAX = 240;

/** A file as Slack describes it (files.info): its id, name, MIME type and size in bytes. */
export type MediaFile = { fileId: string; name: string; mimeType: string; size: number };

/** A file that may be sent: what WhatsApp shows it as, and the name the customer sees. */
export type MediaAttachment = {
  fileId: string;
  kind: MediaKind;
  mimeType: MediaMimeType;
  size: number;
  /** Sanitised, at most MEDIA_FILENAME_MAX, ending in an extension of its type. */
  filename: string;
};

/** Why a file (or its caption) cannot be sent; describe-media.ts says it in words. */
export type MediaProblem =
  | { kind: 'type'; name: string; mimeType: string }
  | { kind: 'name_mismatch'; name: string; mimeType: MediaMimeType; extension: string }
  | { kind: 'too_large'; name: string; mimeType: MediaMimeType; size: number }
  | { kind: 'empty'; name: string }
  | { kind: 'content_mismatch'; name: string; mimeType: MediaMimeType }
  | { kind: 'caption'; issue: string }
  | { kind: 'unavailable'; name?: string; why: 'not_found' | 'no_access' | 'unreachable'; code?: string }
  | { kind: 'no_public_url' };

export type MediaCheck<T> = { ok: true; value: T } | { ok: false; problem: MediaProblem };

/** `image/JPEG; charset=x` → `image/jpeg`; `image/jpg` (seen in the wild) is JPEG. */
export function normaliseMimeType(raw: string): string {
  const bare = (raw.split(';')[0] ?? '').trim().toLowerCase();
  return bare === 'image/jpg' ? 'image/jpeg' : bare;
}

export function isMediaMimeType(mimeType: string): mimeType is MediaMimeType {
  return Object.hasOwn(MEDIA_TYPES, mimeType);
}

/** The file as it may be sent, or why not: its type (MIME and extension agreeing), its size, its name. */
export function checkMediaFile(file: MediaFile): MediaCheck<MediaAttachment> {
  const mimeType = normaliseMimeType(file.mimeType);
  if (!isMediaMimeType(mimeType)) return refuse({ kind: 'type', name: file.name, mimeType });
  const type: MediaType = MEDIA_TYPES[mimeType];
  if (!Number.isSafeInteger(file.size) || file.size <= 0) return refuse({ kind: 'empty', name: file.name });
  if (file.size > type.maxBytes)
    return refuse({ kind: 'too_large', name: file.name, mimeType, size: file.size });
  const named = mediaFilename(file.name, mimeType);
  if (!named.ok) return named;
  return {
    ok: true,
    value: { fileId: file.fileId, kind: type.kind, mimeType, size: file.size, filename: named.value },
  };
}

// Characters no file system or Content-Disposition takes kindly to; each becomes `_`.
const UNSAFE = '/\\:*?"<>|';
const EXTENSION = /^[A-Za-z0-9]{1,5}$/;
const LETTER = /[A-Za-z]/;

/**
 * The name the customer sees: invisible format characters (which can make `fdp.exe` read as
 * `exe.pdf`) and control characters dropped, path and quoting characters made `_`, white space
 * collapsed, at most MEDIA_FILENAME_MAX with its extension kept. A name without an extension gets its
 * type's; one whose extension is of another kind of file (`invoice.docx` read as a PDF) is refused.
 */
export function mediaFilename(name: string, mimeType: MediaMimeType): MediaCheck<string> {
  const type: MediaType = MEDIA_TYPES[mimeType];
  const cleaned = Array.from(name.normalize('NFC'), (char) => {
    if (INVISIBLE_CHARACTERS[char.codePointAt(0) ?? 0] || TEXT_CONTROL_CHARACTERS.test(char)) return '';
    return UNSAFE.includes(char) ? '_' : char;
  })
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  const dot = cleaned.lastIndexOf('.');
  const suffix = dot >= 0 ? cleaned.slice(dot + 1) : '';
  const hasExtension = EXTENSION.test(suffix) && LETTER.test(suffix);
  let stem = hasExtension ? cleaned.slice(0, dot) : cleaned;
  let extension = type.extensions[0] ?? '';
  if (hasExtension) {
    const lower = suffix.toLowerCase();
    const sameKind = Object.values(MEDIA_TYPES).some(
      (other: MediaType) => other.kind === type.kind && other.extensions.includes(lower),
    );
    if (!sameKind) return refuse({ kind: 'name_mismatch', name, mimeType, extension: suffix });
    extension = suffix;
  }
  stem = cutToLength(stem.replace(/^[. ]+/, ''), MEDIA_FILENAME_MAX - extension.length - 1).trimEnd();
  return { ok: true, value: `${stem === '' ? 'file' : stem}.${extension}` };
}

/** A caption as it may be sent (`undefined`: none), or why not: plain text of at most CAPTION_MAX. */
export function checkCaption(input: string | undefined): MediaCheck<string | undefined> {
  if (input === undefined) return { ok: true, value: undefined };
  const parsed = v.safeParse(CaptionSchema, input);
  if (!parsed.success) return refuse({ kind: 'caption', issue: parsed.issues[0].message });
  return { ok: true, value: parsed.output === '' ? undefined : parsed.output };
}

const CaptionSchema = agentTextSchema('caption', CAPTION_MAX);

/** How many leading bytes `contentMatches` needs at most. */
export const MEDIA_SNIFF_BYTES = 1_024;

const SIGNATURES: Record<MediaMimeType, (bytes: Uint8Array) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, i) => b[i] === byte),
  // PDF readers accept `%PDF-` anywhere in the first kilobyte (ISO 32000's implementation note).
  'application/pdf': (b) => Buffer.from(b.subarray(0, MEDIA_SNIFF_BYTES)).includes('%PDF-'),
};

/** Whether a file's first bytes are those of its type (a renamed file is not what WhatsApp would take). */
export function contentMatches(mimeType: MediaMimeType, firstBytes: Uint8Array): boolean {
  return SIGNATURES[mimeType](firstBytes);
}

function refuse(problem: MediaProblem): { ok: false; problem: MediaProblem } {
  return { ok: false, problem };
}

/** At most `max` UTF-16 units, cut between code points. */
function cutToLength(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max) break;
    out += char;
  }
  return out;
}
