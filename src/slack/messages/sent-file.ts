import { isMediaMimeType, MEDIA_TYPES } from '../../domain/media-rules.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { cutMrkdwn, escapeWithin, quoteWithin } from './mrkdwn.ts';

/** A file name in a message: enough to recognise it (WhatsApp shows up to 240), leaving the section room. */
export const FILE_NAME_SHOWN_MAX = 120;
/** A caption under its file: all of WhatsApp's 1,024 fits. */
const CAPTION_SHOWN_MAX = 1_100;

/** A file a reply carried, as the journal keeps it: the name the customer saw and its MIME type. */
export type SentFile = { name: string; mimeType: string };

/** ":page_facing_up: *invoice.pdf* (PDF)": the name escaped and cut, the type as WhatsApp shows it. */
export function describeSentFile(file: SentFile): string {
  const type = isMediaMimeType(file.mimeType) ? MEDIA_TYPES[file.mimeType] : undefined;
  const icon = type?.kind === 'image' ? ':frame_with_picture:' : ':page_facing_up:';
  const label = type ? type.label : escapeWithin(file.mimeType, 60);
  return `${icon} *${escapeWithin(file.name, FILE_NAME_SHOWN_MAX)}* (${label})`;
}

/**
 * The outcome's text for a file: `line` (our own mrkdwn, e.g. "<@U…> replied on WhatsApp to +91 •••• 3210:"),
 * the file under it, then its caption quoted, all within a section (the caption cut first, then the whole).
 */
export function withSentFile(line: string, file: SentFile, caption: string | undefined): string {
  const head = `${line}\n${describeSentFile(file)}`;
  if (!caption) return cutMrkdwn(head, SLACK_LIMITS.sectionText);
  const room = SLACK_LIMITS.sectionText - head.length - 1;
  if (room < 40) return cutMrkdwn(head, SLACK_LIMITS.sectionText);
  return `${head}\n${quoteWithin(caption, Math.min(CAPTION_SHOWN_MAX, room))}`;
}
