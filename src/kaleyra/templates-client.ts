import { isNetworkError, type KyInstance } from 'ky';
import * as v from 'valibot';
import { LANGUAGE_CODE_PATTERN, LIMITS, TEMPLATE_NAME_PATTERN } from '../domain/order-status.ts';
import type { Pod } from '../domain/workspace-settings.ts';
import { createKaleyraHttp, exchange, OutOfTimeError } from './http.ts';
import { resolveKaleyraBaseUrl } from './pods.ts';
import { KaleyraFailureSchema } from './response-schema.ts';

/** The template list is a convenience in a form: it must never hold the form up for long. */
export const TEMPLATES_TIMEOUT_MS = 2_000;

export type TemplatesAccount = { sid: string; apiKey: string; pod: Pod; wabaId: string };

/** An approved utility template, as an agent picks it: name and language. */
export type OrderTemplate = { name: string; languageCode: string };

export type TemplateList =
  | { ok: true; templates: OrderTemplate[] }
  /** Why there is no list: Kaleyra's code, TIMEOUT, NETWORK or BAD_RESPONSE. */
  | { ok: false; code: string };

/**
 * One entry of `data`, Meta's template object as Kaleyra passes it on. Kaleyra documents no more than
 * that, so each entry is read on its own and one that does not fit is skipped, not the whole list. A
 * name or language a send would refuse is skipped too: offering it would only fail later.
 */
const TemplateEntrySchema = v.looseObject({
  name: v.pipe(v.string(), v.trim(), v.maxLength(LIMITS.templateName), v.regex(TEMPLATE_NAME_PATTERN)),
  language: v.pipe(v.string(), v.trim(), v.regex(LANGUAGE_CODE_PATTERN)),
  status: v.pipe(v.string(), v.toUpperCase()),
  category: v.pipe(v.string(), v.toUpperCase()),
});

const TemplatesAnswerSchema = v.looseObject({ code: v.string(), data: v.array(v.unknown()) });

/**
 * Kaleyra's "Get Templates": `GET {pod}/v2/{SID}/whatsapp/{waba_id}/message_templates` with the
 * `api-key` header. Keeps the templates an order-status update can use (APPROVED and UTILITY: order
 * status templates are utility templates; marketing ones are not offered). Never throws. Goes through
 * the send's ky instance when given one (`http`), on a budget of its own.
 */
export function createTemplatesClient(
  options: { baseUrlOverride?: string; timeoutMs?: number; fetch?: typeof fetch; http?: KyInstance } = {},
) {
  const timeoutMs = options.timeoutMs ?? TEMPLATES_TIMEOUT_MS;
  const http = options.http ?? createKaleyraHttp(options.fetch !== undefined ? { fetch: options.fetch } : {});
  return {
    async listTemplates(account: TemplatesAccount): Promise<TemplateList> {
      const base = resolveKaleyraBaseUrl(account.pod, options.baseUrlOverride);
      const url = `${base}/v2/${encodeURIComponent(account.sid)}/whatsapp/${encodeURIComponent(account.wabaId)}/message_templates`;
      try {
        const answer = await exchange(
          http,
          url,
          { method: 'get', headers: { 'api-key': account.apiKey, accept: 'application/json' } },
          timeoutMs,
        );
        const body = answer.text === undefined ? undefined : safeJson(answer.text);
        if (!answer.ok) {
          const failure = v.safeParse(KaleyraFailureSchema, body);
          return { ok: false, code: failure.success ? failure.output.code : 'BAD_RESPONSE' };
        }
        const list = v.safeParse(TemplatesAnswerSchema, body);
        if (!list.success) return { ok: false, code: 'BAD_RESPONSE' };
        return { ok: true, templates: usableTemplates(list.output.data) };
      } catch (error) {
        return { ok: false, code: failureCode(error) };
      }
    },
  };
}

export type TemplatesClient = ReturnType<typeof createTemplatesClient>;

function usableTemplates(entries: readonly unknown[]): OrderTemplate[] {
  const seen = new Set<string>();
  const out: OrderTemplate[] = [];
  for (const entry of entries) {
    const parsed = v.safeParse(TemplateEntrySchema, entry);
    if (!parsed.success) continue;
    const { name, language, status, category } = parsed.output;
    const key = `${name}\n${language}`;
    if (status !== 'APPROVED' || category !== 'UTILITY' || seen.has(key)) continue;
    seen.add(key);
    out.push({ name, languageCode: language });
  }
  return out;
}

function failureCode(error: unknown): string {
  if (error instanceof OutOfTimeError) return 'TIMEOUT';
  return isNetworkError(error) ? 'NETWORK' : 'BAD_RESPONSE';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
