import type { IncomingHttpHeaders } from 'node:http';

/**
 * What Kaleyra documents as refused, for the fake Kaleyra: a request without the `api-key` header
 * (RBC001, "Incorrect SID or API key."), and a send to `/v2/<sid>/whatsapp/<number>/messages` whose
 * body is not the documented one (WA400, "Refer to correct payload format"): the content type (only
 * `application/json`), `messaging_product` (`whatsapp`), `recipient_type` (`individual`), `to` (E.164),
 * `type`, the template's shape (`order_status` component and parameter, `deterministic` policy, a name of
 * at most 512), `reference_id` (1–35 of letters, digits, `_`, `-`, `.`: Meta's rule, quoted in
 * kaleyra-whatsapp-payments-and-media.md), the status (one of five), a description of at most 120, a
 * session text's `text.body` (1–4,096), and a media object as Meta defines it under its type (the
 * shared payments-and-media document, §3): exactly one of `link` (an http(s) URL) or `id`, a caption
 * (≤ 1,024) only on image, video and document, a non-empty `filename` only on a document, `voice` only
 * on audio, and no other field.
 * Sources: ../shared/kaleyra-whatsapp-order-status-api.txt and the other shared Kaleyra documents.
 * Not refused, because Kaleyra documents otherwise: `extra_info.ref*` over 255 (truncated) and an unknown
 * `wa_source` (read as `api`).
 */
export type KaleyraRefusal = { code: 'RBC001' | 'WA400'; reasons: string[] };

type Rec = Record<string, unknown>;
const isRec = (value: unknown): value is Rec =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const MESSAGES_PATH = /^\/v2\/[^/]+\/whatsapp\/[^/]+\/messages(\?|$)/;
const E164 = /^\+[1-9]\d{6,14}$/;
const REFERENCE = /^[A-Za-z0-9_.-]{1,35}$/;
// Kaleyra's page spells `partially_shipped`; Meta's order-status page `partially-shipped` (the shared
// payments document, §4): which one Meta takes through Kaleyra is not documented, so both pass here.
const STATUSES = ['processing', 'partially_shipped', 'partially-shipped', 'shipped', 'completed', 'canceled'];
// The fields each media object may carry (Meta's image, video, document and audio pages).
const MEDIA_FIELDS: Record<string, readonly string[]> = {
  image: ['link', 'id', 'caption'],
  video: ['link', 'id', 'caption'],
  document: ['link', 'id', 'caption', 'filename'],
  audio: ['link', 'id', 'voice'],
  sticker: ['link', 'id'],
};
const MEDIA = Object.keys(MEDIA_FIELDS);

export function kaleyraRefusal(request: {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}): KaleyraRefusal | undefined {
  if (!request.headers['api-key']) return { code: 'RBC001', reasons: ['no api-key header'] };
  if (request.method !== 'POST' || !MESSAGES_PATH.test(request.path)) return undefined;
  const reasons = payloadIssues(request.headers['content-type'], request.body);
  return reasons.length > 0 ? { code: 'WA400', reasons } : undefined;
}

function payloadIssues(contentType: string | undefined, body: unknown): string[] {
  const issues: string[] = [];
  const fail = (reason: string) => issues.push(reason);
  if (!/^application\/json\b/i.test(contentType ?? '')) fail(`content type ${String(contentType)}`);
  if (!isRec(body) || !isRec(body.messaging_object)) {
    fail('no messaging_object');
    return issues;
  }
  const object = body.messaging_object;
  if (object.messaging_product !== 'whatsapp') fail('messaging_product is not whatsapp');
  if (object.recipient_type !== undefined && object.recipient_type !== 'individual') {
    fail('recipient_type is not individual');
  }
  if (typeof object.to !== 'string' || !E164.test(object.to)) fail(`to ${String(object.to)} is not E.164`);
  if (object.type === 'template') templateIssues(object.template, fail);
  else if (object.type === 'text') textIssues(object.text, fail);
  else if (MEDIA.includes(object.type as string))
    mediaIssues(object.type as string, object[object.type as string], fail);
  else fail(`type ${String(object.type)}`);
  if (body.extra_info !== undefined && !isRec(body.extra_info)) fail('extra_info is not an object');
  return issues;
}

function templateIssues(template: unknown, fail: (reason: string) => void): void {
  if (!isRec(template)) {
    fail('no template');
    return;
  }
  if (typeof template.name !== 'string' || template.name === '' || template.name.length > 512) {
    fail('template.name is not 1 to 512 characters');
  }
  const language = template.language;
  if (!isRec(language) || language.policy !== 'deterministic' || typeof language.code !== 'string') {
    fail('template.language is not {policy: deterministic, code}');
  }
  const components = template.components;
  const component = Array.isArray(components) && components.length === 1 ? components[0] : undefined;
  const parameters = isRec(component) && component.type === 'order_status' ? component.parameters : undefined;
  const parameter = Array.isArray(parameters) && parameters.length === 1 ? parameters[0] : undefined;
  const orderStatus =
    isRec(parameter) && parameter.type === 'order_status' ? parameter.order_status : undefined;
  if (!isRec(orderStatus)) {
    fail('template.components is not one order_status component and parameter');
    return;
  }
  if (typeof orderStatus.reference_id !== 'string' || !REFERENCE.test(orderStatus.reference_id)) {
    fail(`reference_id ${String(orderStatus.reference_id)}`);
  }
  const order = orderStatus.order;
  if (!isRec(order)) {
    fail('no order');
    return;
  }
  if (!STATUSES.includes(order.status as string)) fail(`status ${String(order.status)}`);
  const description = order.description;
  if (description !== undefined && (typeof description !== 'string' || description.length > 120)) {
    fail('description is over 120 characters');
  }
}

function textIssues(text: unknown, fail: (reason: string) => void): void {
  if (!isRec(text)) {
    fail('no text');
    return;
  }
  if (typeof text.body !== 'string' || text.body.length < 1 || text.body.length > 4096) {
    fail('text.body is not 1 to 4,096 characters');
  }
  if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') fail('text.preview_url');
}

function mediaIssues(type: string, media: unknown, fail: (reason: string) => void): void {
  if (!isRec(media)) {
    fail(`no ${type}`);
    return;
  }
  const allowed = MEDIA_FIELDS[type] ?? [];
  for (const key of Object.keys(media)) {
    if (allowed.includes(key)) continue;
    if (key === 'caption') fail(`${type} takes no caption`);
    else if (key === 'filename') fail('filename applies to documents only');
    else fail(`${type} has no field ${key}`);
  }
  const hasLink = typeof media.link === 'string' && isHttpUrl(media.link);
  if (hasLink === (typeof media.id === 'string'))
    fail(`${type} needs exactly one of link (http or https) or id`);
  if (media.caption !== undefined && (typeof media.caption !== 'string' || media.caption.length > 1024)) {
    fail('caption over 1,024');
  }
  if (media.filename !== undefined && (typeof media.filename !== 'string' || media.filename === '')) {
    fail('filename is not a name');
  }
  if (media.voice !== undefined && typeof media.voice !== 'boolean') fail('voice is not true or false');
}

function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && ['http:', 'https:'].includes(new URL(text).protocol);
}
