import * as v from 'valibot';
import {
  isMediaMimeType,
  MEDIA_FILENAME_MAX,
  type MediaAttachment,
  type MediaMimeType,
} from './media-rules.ts';
import type { Sealer } from './sealer.ts';
import { trimEnd } from './trim.ts';

/** Where a sealed media link is answered: `GET {PUBLIC_URL}/media/<token>`. */
export const MEDIA_PATH = '/media/';

/**
 * How long a media link answers. Kaleyra and Meta fetch it when the message is sent; an hour covers a
 * send that waited for its rate slot, and nobody who finds the link later gets the file.
 */
export const MEDIA_LINK_TTL_MS = 60 * 60 * 1000;

const PURPOSE = 'media-link';
const WORKSPACE_ID = /^[A-Z0-9]{1,32}$/;
// The sealer writes base64url parts joined by dots; a workspace id and one more dot go before them.
const TOKEN = /^[A-Za-z0-9._-]+$/;
/** Longer than any token we make (the longest name of 4-byte characters seals to under 800). */
export const MEDIA_TOKEN_MAX = 2_048;

/** What a link names: one Slack file of one workspace, how to serve it, and until when. */
export type MediaLinkClaims = {
  workspaceId: string;
  fileId: string;
  filename: string;
  mimeType: MediaMimeType;
  size: number;
  /** ms since the epoch; the link answers 410 from then on. */
  expiresAt: number;
};

// Sealed as a compact array; the leading 1 is the format's version.
const ClaimsSchema = v.tuple([
  v.literal(1),
  v.pipe(v.string(), v.nonEmpty()),
  v.pipe(v.string(), v.nonEmpty(), v.maxLength(MEDIA_FILENAME_MAX)),
  v.pipe(v.string(), v.check(isMediaMimeType)),
  v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  v.pipe(v.number(), v.safeInteger()),
]);

/**
 * The token for `attachment` of `workspaceId`, good for MEDIA_LINK_TTL_MS from `now`: the workspace id,
 * then the rest sealed with the deployment's key (ENCRYPTION_KEY) and bound to that workspace, so a
 * token is neither readable (the file's name stays private) nor alterable, nor valid for another
 * workspace. Nothing is stored: any replica opens it.
 */
export function sealMediaLink(
  sealer: Pick<Sealer, 'seal'>,
  workspaceId: string,
  attachment: Pick<MediaAttachment, 'fileId' | 'filename' | 'mimeType' | 'size'>,
  now: number,
): string {
  if (!WORKSPACE_ID.test(workspaceId)) throw new TypeError('A media link needs a Slack workspace id');
  const { fileId, filename, mimeType, size } = attachment;
  const claims = [1, fileId, filename, mimeType, size, now + MEDIA_LINK_TTL_MS];
  return `${workspaceId}.${sealer.seal(JSON.stringify(claims), { purpose: PURPOSE, workspaceId })}`;
}

/** The link Kaleyra is given: PUBLIC_URL, the media path, the token. */
export function mediaLinkUrl(publicUrl: string, token: string): string {
  return `${trimEnd(publicUrl, '/')}${MEDIA_PATH}${token}`;
}

export type OpenedMediaLink =
  | { ok: true; claims: MediaLinkClaims }
  /** `invalid`: not a token we sealed (or altered, or for another workspace); `expired`: ours, too late. */
  | { ok: false; reason: 'invalid' | 'expired' };

/** What the token names, if we sealed it and it has not expired at `now`. */
export function openMediaLink(sealer: Pick<Sealer, 'open'>, token: string, now: number): OpenedMediaLink {
  if (token.length > MEDIA_TOKEN_MAX || !TOKEN.test(token)) return { ok: false, reason: 'invalid' };
  const dot = token.indexOf('.');
  const workspaceId = token.slice(0, dot);
  if (dot === -1 || !WORKSPACE_ID.test(workspaceId)) return { ok: false, reason: 'invalid' };
  const text = sealer.open(token.slice(dot + 1), { purpose: PURPOSE, workspaceId });
  const parsed = text === undefined ? undefined : v.safeParse(ClaimsSchema, parseJson(text));
  if (!parsed?.success) return { ok: false, reason: 'invalid' };
  const [, fileId, filename, mimeType, size, expiresAt] = parsed.output;
  if (now >= expiresAt) return { ok: false, reason: 'expired' };
  return {
    ok: true,
    claims: { workspaceId, fileId, filename, mimeType: mimeType as MediaMimeType, size, expiresAt },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
