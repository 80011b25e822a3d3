import type { FakeKaleyra, RecordedKaleyraRequest } from './fake-kaleyra.ts';

/**
 * Session media as the shared document shows it (kaleyra-whatsapp-payments-and-media.md §3), and the
 * fetch Kaleyra (or Meta) makes of its link when the message is sent.
 */

type MediaObject = { link?: string; caption?: string; filename?: string; id?: string };
type MediaBody = {
  messaging_object?: Record<string, unknown> & { type?: string; to?: string };
  extra_info?: Record<string, unknown>;
};

/** The session media sends the fake Kaleyra received (image or document), oldest first. */
export function mediaSends(kaleyra: Pick<FakeKaleyra, 'requests'>): RecordedKaleyraRequest[] {
  return kaleyra.requests.filter((request) => {
    const type = (request.body as MediaBody | undefined)?.messaging_object?.type;
    return type === 'image' || type === 'document';
  });
}

/** The media object of a send (under `image` or `document`). */
export function mediaOf(request: RecordedKaleyraRequest): MediaObject | undefined {
  const object = (request.body as MediaBody | undefined)?.messaging_object;
  return object?.type ? (object[object.type] as MediaObject | undefined) : undefined;
}

/**
 * What is wrong with a media send measured against the document's body: exactly its keys (a document's
 * `link`, `filename` and optional `caption`; an image's `link` and optional `caption`, no `id` beside a
 * link), its fixed values, and the refs. An empty list: the body is the document's.
 */
export function sessionMediaIssues(request: RecordedKaleyraRequest): string[] {
  const issues: string[] = [];
  const keys = (value: unknown) =>
    typeof value === 'object' && value !== null ? Object.keys(value).sort().join(',') : String(value);
  const expectKeys = (where: string, value: unknown, wanted: string[]) => {
    if (!wanted.includes(keys(value)))
      issues.push(`${where} has keys ${keys(value)}, not ${wanted.join(' or ')}`);
  };
  if (request.method !== 'POST') issues.push(`method ${request.method}`);
  if (!/^\/v2\/[^/]+\/whatsapp\/\+?\d+\/messages$/.test(request.path)) issues.push(`path ${request.path}`);
  if (!String(request.headers['content-type']).startsWith('application/json')) issues.push('not JSON');
  const body = request.body as MediaBody | undefined;
  expectKeys('the body', body, ['extra_info,messaging_object']);
  const object = body?.messaging_object;
  const type = object?.type;
  if (type !== 'image' && type !== 'document') issues.push(`type ${String(type)}`);
  expectKeys('messaging_object', object, [`${type},messaging_product,recipient_type,to,type`]);
  if (object?.messaging_product !== 'whatsapp') issues.push('messaging_product is not whatsapp');
  if (object?.recipient_type !== 'individual') issues.push('recipient_type is not individual');
  if (typeof object?.to !== 'string' || !/^\+\d{7,15}$/.test(object.to))
    issues.push(`to ${String(object?.to)}`);
  const media = request && mediaOf(request);
  expectKeys(
    String(type),
    media,
    type === 'document' ? ['filename,link', 'caption,filename,link'] : ['link', 'caption,link'],
  );
  if (typeof media?.link !== 'string' || !URL.canParse(media.link))
    issues.push(`link ${String(media?.link)}`);
  if (media?.caption !== undefined && (media.caption === '' || media.caption.length > 1024)) {
    issues.push('caption is not 1 to 1,024 characters');
  }
  expectKeys('extra_info', body?.extra_info, ['ref,ref1,ref2']);
  return issues;
}

export type FetchedMedia = { status: number; headers: Headers; bytes: Buffer };

/**
 * GETs a media link as Kaleyra or Meta does when the message is sent. PUBLIC_URL is the app's public
 * address (an ingress in front of it), so the request goes to `appUrl` with the link's path.
 */
export async function fetchAsMeta(
  link: string,
  appUrl: string,
  init: { method?: string } = {},
): Promise<FetchedMedia> {
  const url = new URL(new URL(link).pathname, appUrl);
  const response = await fetch(url, { method: init.method ?? 'GET', redirect: 'manual' });
  return {
    status: response.status,
    headers: response.headers,
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}
