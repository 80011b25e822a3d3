import { mediaLinkUrl, sealMediaLink } from '../domain/media-link.ts';
import { checkCaption, checkMediaFile, type MediaAttachment, type MediaFile } from '../domain/media-rules.ts';
import type { Sealer } from '../domain/sealer.ts';
import { MediaRefusedError } from '../errors/media-refused-error.ts';
import {
  buildSessionMediaPayload,
  type ExtraInfoRefs,
  type SessionMediaPayload,
} from '../kaleyra/build-payload.ts';

/**
 * A file sent as a WhatsApp session message: by `link`, a sealed URL under PUBLIC_URL that Kaleyra (or
 * Meta) fetches when the message is sent and that answers the file's bytes, streamed from Slack, for
 * an hour (src/http/media-route.ts). Kaleyra's media upload was not chosen: only postpaid accounts may
 * use it, its answer is undocumented, and it would send every byte through this process first.
 */
export type SessionMediaDeps = {
  /** Seals the link (ENCRYPTION_KEY), so any replica can open it and no one can forge or read it. */
  sealer: Pick<Sealer, 'seal'>;
  /** PUBLIC_URL: without it there is no address WhatsApp could fetch the file from. */
  publicUrl: string | undefined;
  now: () => number;
};

/** A file as it may be sent, with its caption (none when the text was empty). */
export type PreparedMedia = { attachment: MediaAttachment; caption: string | undefined };

/** The file and caption checked against WhatsApp's rules, or why they cannot be sent. */
export function prepareMedia(
  deps: Pick<SessionMediaDeps, 'publicUrl'>,
  input: { file: MediaFile; caption?: string | undefined },
): { ok: true; value: PreparedMedia } | { ok: false; error: MediaRefusedError } {
  if (!deps.publicUrl) return { ok: false, error: new MediaRefusedError({ kind: 'no_public_url' }) };
  const file = checkMediaFile(input.file);
  if (!file.ok) return { ok: false, error: new MediaRefusedError(file.problem) };
  const caption = checkCaption(input.caption);
  if (!caption.ok) return { ok: false, error: new MediaRefusedError(caption.problem) };
  return { ok: true, value: { attachment: file.value, caption: caption.value } };
}

/**
 * The payload of `prepared` to `to`, built just before the POST: the link's hour counts from then, not
 * from a wait for the rate slot.
 */
export function mediaPayloadFor(
  deps: SessionMediaDeps,
  workspaceId: string,
  to: string,
  prepared: PreparedMedia,
): (refs: ExtraInfoRefs) => SessionMediaPayload {
  const { attachment, caption } = prepared;
  return (refs) => {
    const publicUrl = deps.publicUrl ?? '';
    const link = mediaLinkUrl(publicUrl, sealMediaLink(deps.sealer, workspaceId, attachment, deps.now()));
    const media =
      attachment.kind === 'image'
        ? { type: 'image' as const, link, caption }
        : { type: 'document' as const, link, caption, filename: attachment.filename };
    return buildSessionMediaPayload(to, media, refs);
  };
}
