import { CAPTION_MAX, MEDIA_TYPES, MEGABYTE } from '../domain/media-rules.ts';
import type { MediaRefusedError } from '../errors/media-refused-error.ts';
import type { ErrorDescription } from './error-description.ts';
import type { Surface } from './surface.ts';

/**
 * "JPEG or PNG up to 5 MB, or PDF up to 100 MB": what may be attached, from the one table; `capBytes`
 * lowers every limit to what the channel carrying the file takes (a Slack form's file input).
 */
export function describeAllowedMedia(capBytes = Number.POSITIVE_INFINITY): string {
  const byLimit = new Map<number, string[]>();
  for (const type of Object.values(MEDIA_TYPES)) {
    const limit = Math.min(type.maxBytes, capBytes);
    byLimit.set(limit, [...(byLimit.get(limit) ?? []), type.label]);
  }
  return [...byLimit]
    .map(([limit, labels]) => `${labels.join(' or ')} up to ${megabytes(limit)}`)
    .join(', or ');
}

/** A file or caption that could not be sent, in plain words with what to do next. */
export function describeMedia(error: MediaRefusedError, surface: Surface): ErrorDescription {
  const { problem } = error;
  const nothing = surface.attempt === 'send' ? ', so nothing was sent' : '';
  const fix = (code: string, summary: string, nextStep: string): ErrorDescription => ({
    code,
    summary: `${summary}${nothing}.`,
    nextStep,
    retryable: false,
  });
  const name = (raw: string | undefined) => (raw ? `“${surface.text(raw)}”` : 'The file');
  const allowed = `WhatsApp takes ${describeAllowedMedia()} from orderstatus.`;
  switch (problem.kind) {
    case 'type':
      return fix(
        'FILE_TYPE_NOT_ALLOWED',
        `${name(problem.name)} is ${problem.mimeType ? surface.literal(problem.mimeType) : 'of no known type'}, which orderstatus does not send`,
        `Attach a JPEG or PNG photo, or a PDF. ${allowed}`,
      );
    case 'name_mismatch':
      return fix(
        'FILE_NAME_MISMATCH',
        `${name(problem.name)} ends in .${surface.text(problem.extension)} but is a ${MEDIA_TYPES[problem.mimeType].label} file`,
        `Rename it to end in .${MEDIA_TYPES[problem.mimeType].extensions[0]} (WhatsApp picks the icon by the name), then attach it again.`,
      );
    case 'too_large': {
      const type = MEDIA_TYPES[problem.mimeType];
      // Just over the limit, megabytes would read "5 MB; at most 5 MB": bytes then.
      const close = megabytes(problem.size) === megabytes(type.maxBytes);
      const size = close ? bytes(problem.size) : megabytes(problem.size);
      const limit = close
        ? `${bytes(type.maxBytes)} (${megabytes(type.maxBytes)})`
        : megabytes(type.maxBytes);
      return fix(
        'FILE_TOO_LARGE',
        `${name(problem.name)} is ${size}; WhatsApp takes a ${type.label} of at most ${limit}`,
        type.kind === 'image'
          ? 'Send a smaller photo (a lower resolution, or a screenshot of it).'
          : 'Send a smaller PDF (compress it, or split it into parts).',
      );
    }
    case 'empty':
      return fix('FILE_EMPTY', `${name(problem.name)} is empty`, 'Attach the file again.');
    case 'content_mismatch':
      return fix(
        'FILE_CONTENT_MISMATCH',
        `${name(problem.name)} is not a ${MEDIA_TYPES[problem.mimeType].label} file inside, whatever its name says, and WhatsApp would refuse it`,
        'Export or save it again as a real JPEG, PNG or PDF, then attach it.',
      );
    case 'caption':
      return fix(
        'CAPTION_INVALID',
        `The text under the file cannot be its caption: ${surface.text(problem.issue)}`,
        `Shorten the text to at most ${CAPTION_MAX.toLocaleString('en')} characters (or send it as a reply of its own).`,
      );
    case 'unavailable':
      return describeUnavailable(problem, name(problem.name), nothing, surface);
    case 'no_public_url':
      return fix(
        'NO_PUBLIC_URL',
        'WhatsApp fetches an attached file from this app’s public address, and none is set (PUBLIC_URL)',
        'Whoever runs orderstatus sets PUBLIC_URL to the app’s public https address (the one Kaleyra’s callbacks reach); until then, send the words as a reply without a file.',
      );
  }
}

function describeUnavailable(
  problem: Extract<MediaRefusedError['problem'], { kind: 'unavailable' }>,
  name: string,
  nothing: string,
  surface: Surface,
): ErrorDescription {
  switch (problem.why) {
    case 'not_found':
      return {
        code: 'FILE_NOT_FOUND',
        summary: `${name} is no longer in Slack (deleted, or never shared with the app)${nothing}.`,
        nextStep: 'Attach the file again.',
        retryable: false,
      };
    case 'no_access':
      return {
        code: 'FILE_NO_ACCESS',
        summary: `The app may not read files in this workspace (it lacks the files:read scope)${nothing}.`,
        nextStep: 'Ask whoever manages the Slack app to reinstall it from the current manifest.',
        retryable: false,
      };
    case 'unreachable':
      return {
        code: 'FILE_UNREACHABLE',
        summary: `Slack did not give the file${problem.code ? ` (${surface.literal(problem.code)})` : ''}${nothing}.`,
        nextStep: 'Try again in a minute.',
        retryable: true,
      };
  }
}

const bytes = (count: number) => `${count.toLocaleString('en')} bytes`;

/** 5000000 → "5 MB", 5300000 → "5.3 MB", 300 → "0.01 MB" (never 0 for a file that has bytes). */
function megabytes(bytes: number): string {
  const value = Math.max(bytes / MEGABYTE, bytes > 0 ? 0.01 : 0);
  return `${value.toLocaleString('en', { maximumFractionDigits: value < 1 ? 2 : 1 })} MB`;
}
