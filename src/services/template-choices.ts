import { createHash } from 'node:crypto';
import type { WorkspaceCredentials } from '../domain/workspace-settings.ts';
import type { OrderTemplate, TemplateList, TemplatesClient } from '../kaleyra/templates-client.ts';

/** A workspace's template list is asked of Kaleyra at most this often: templates change in days, not minutes. */
export const TEMPLATE_LIST_TTL_MS = 5 * 60_000;
/**
 * A failed fetch is remembered this long, so the forms opened meanwhile (and each keystroke in a
 * picker) do not each wait out Kaleyra again; short, since an admin is probably fixing it.
 */
export const TEMPLATE_FAILURE_TTL_MS = 30_000;
const MAX_WORKSPACES = 10_000;

/** Why there is no list to pick from: no WABA id, none approved, or the templates client's code. */
export type NoTemplatesReason = 'NO_WABA_ID' | 'NO_TEMPLATES' | (string & {});

export type TemplateChoices =
  /** `templates` starts with the workspace default, whether or not Kaleyra lists it. */
  | { ok: true; default: OrderTemplate; templates: OrderTemplate[] }
  | { ok: false; default: OrderTemplate; reason: NoTemplatesReason };

type Cached = { fingerprint: string; expires: number; list: TemplateList };

export type TemplateChoicesDeps = {
  client: Pick<TemplatesClient, 'listTemplates'>;
  ttlMs?: number;
  failureTtlMs?: number;
  now?: () => number;
};

/**
 * The templates an agent may pick for a workspace: Kaleyra's approved utility templates, the
 * workspace default first. Cached per workspace (per account: a changed SID, key, pod or WABA id asks
 * again), and concurrent askers share one request. Never throws: the send never depends on the list.
 */
export function createTemplateChoices(deps: TemplateChoicesDeps) {
  const now = deps.now ?? Date.now;
  const ttlMs = deps.ttlMs ?? TEMPLATE_LIST_TTL_MS;
  const failureTtlMs = deps.failureTtlMs ?? TEMPLATE_FAILURE_TTL_MS;
  const cache = new Map<string, Cached>();
  const pending = new Map<string, { fingerprint: string; list: Promise<TemplateList> }>();

  function remember(workspaceId: string, fingerprint: string, list: TemplateList) {
    cache.delete(workspaceId);
    cache.set(workspaceId, { fingerprint, list, expires: now() + (list.ok ? ttlMs : failureTtlMs) });
    if (cache.size > MAX_WORKSPACES) cache.delete(cache.keys().next().value as string);
  }

  function cached(workspaceId: string, fingerprint: string): TemplateList | undefined {
    const entry = cache.get(workspaceId);
    return entry && entry.fingerprint === fingerprint && entry.expires > now() ? entry.list : undefined;
  }

  function fetchList(workspaceId: string, account: Account): Promise<TemplateList> {
    const fingerprint = fingerprintOf(account);
    const hit = cached(workspaceId, fingerprint);
    if (hit) return Promise.resolve(hit);
    const inFlight = pending.get(workspaceId);
    if (inFlight?.fingerprint === fingerprint) return inFlight.list;
    const list = deps.client.listTemplates(account).then((answer) => {
      if (pending.get(workspaceId)?.list === list) pending.delete(workspaceId);
      remember(workspaceId, fingerprint, answer);
      return answer;
    });
    pending.set(workspaceId, { fingerprint, list });
    return list;
  }

  return {
    /** The choices for a workspace whose settings the caller has read; asks Kaleyra when not cached. */
    async choicesFor(workspaceId: string, credentials: WorkspaceCredentials): Promise<TemplateChoices> {
      const account = accountOf(credentials);
      if (!account) return { ok: false, default: defaultOf(credentials), reason: 'NO_WABA_ID' };
      return choicesOf(credentials, await fetchList(workspaceId, account));
    },

    /** The choices when they are known without asking Kaleyra (no WABA id, or cached); else undefined. */
    peek(workspaceId: string, credentials: WorkspaceCredentials): TemplateChoices | undefined {
      const account = accountOf(credentials);
      if (!account) return { ok: false, default: defaultOf(credentials), reason: 'NO_WABA_ID' };
      const hit = cached(workspaceId, fingerprintOf(account));
      return hit && choicesOf(credentials, hit);
    },
  };
}

export type TemplateChoicesService = ReturnType<typeof createTemplateChoices>;

type Account = Parameters<TemplatesClient['listTemplates']>[0];

function accountOf(credentials: WorkspaceCredentials): Account | undefined {
  const { sid, apiKey, pod, wabaId } = credentials;
  return wabaId ? { sid, apiKey, pod, wabaId } : undefined;
}

// A digest rather than the key itself, so the cache holds no second copy of it.
function fingerprintOf(account: Account): string {
  return createHash('sha256')
    .update([account.sid, account.pod, account.wabaId, account.apiKey].join('\n'))
    .digest('base64url');
}

function defaultOf(credentials: WorkspaceCredentials): OrderTemplate {
  return { name: credentials.templateName, languageCode: credentials.languageCode };
}

function choicesOf(credentials: WorkspaceCredentials, list: TemplateList): TemplateChoices {
  const first = defaultOf(credentials);
  if (!list.ok) return { ok: false, default: first, reason: list.code };
  if (list.templates.length === 0) return { ok: false, default: first, reason: 'NO_TEMPLATES' };
  const others = list.templates.filter(
    (template) => template.name !== first.name || template.languageCode !== first.languageCode,
  );
  return { ok: true, default: first, templates: [first, ...others] };
}
