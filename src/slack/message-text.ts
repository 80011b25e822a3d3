/** Longer than any message worth reading for an order (findOrderHints reads no more either). */
const MAX_TEXT = 10_000;
const MAX_DEPTH = 8;

/**
 * The readable text of a Slack message as a message shortcut receives it, in reading order: its
 * `text`, then its blocks (sections, fields, rich text, context), then legacy attachments (ticket
 * and email integrations often put the body there). Never throws on an odd shape; mrkdwn links
 * `<tel:+91…|+91…>` and `<mailto:…|…>` keep only what they show.
 */
export function messageTextOf(message: unknown): string {
  const parts: string[] = [];
  let length = 0;
  const add = (text: unknown) => {
    if (typeof text !== 'string' || text.trim() === '' || length >= MAX_TEXT) return;
    const readable = text.replace(/<([^<>|]*)\|([^<>]*)>/g, '$2').replace(/<([^<>|]*)>/g, '$1');
    parts.push(readable);
    length += readable.length + 1;
  };
  const record = asRecord(message);
  add(record?.text);
  collectBlocks(record?.blocks, add, 0);
  for (const attachment of asArray(record?.attachments)) {
    const a = asRecord(attachment);
    for (const key of ['pretext', 'title', 'text']) add(a?.[key]);
    for (const field of asArray(a?.fields)) {
      add(asRecord(field)?.title);
      add(asRecord(field)?.value);
    }
    collectBlocks(a?.blocks, add, 0);
    // The fallback repeats the rest: read only when nothing else was there.
    if (!['pretext', 'title', 'text', 'fields'].some((key) => a?.[key] !== undefined)) add(a?.fallback);
  }
  return parts.join('\n').slice(0, MAX_TEXT);
}

/** Text in blocks, depth-first: `text` objects, `fields`, and the `elements` of rich text and context. */
function collectBlocks(blocks: unknown, add: (text: unknown) => void, depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (const block of asArray(blocks)) {
    const b = asRecord(block);
    if (!b) continue;
    // Rich-text `text` and `link` elements and context elements carry a string; a section, an object.
    if (typeof b.text === 'string') add(b.text);
    else add(asRecord(b.text)?.text);
    if (b.type === 'link' && typeof b.text !== 'string') add(b.url);
    for (const field of asArray(b.fields)) add(asRecord(field)?.text);
    collectBlocks(b.elements, add, depth + 1);
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
