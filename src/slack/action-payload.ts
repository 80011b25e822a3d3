import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { type OrderStatusRequest, validateOrderStatus } from '../domain/order-status.ts';
import type { ResolvedOrderStatus } from '../domain/order-update.ts';
import type { Sealer } from '../domain/sealer.ts';

/** How long a Retry / Send again button can be used after it was posted. */
export const BUTTON_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * What a Retry / Send again button carries: the update, where to report, a nonce that makes it
 * single-use, and when it expires. The workspace is not in the text: it is the seal's binding.
 */
const ActionPayloadSchema = v.object({
  u: v.record(v.string(), v.string()),
  c: v.optional(v.string()),
  n: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/)),
  x: v.pipe(v.number(), v.integer()),
});

export type ActionPayload = {
  request: OrderStatusRequest;
  channelId?: string;
  /** Recorded when the button is used; a second use finds it taken. */
  nonce: string;
  expiresAt: Date;
};

export type OpenedActionPayload =
  | { ok: true; payload: ActionPayload }
  /** `elsewhere`: not sealed by us for this workspace (another workspace, altered, an older release). */
  | { ok: false; reason: 'expired' | 'elsewhere' };

/**
 * Button values are sealed: a button's value is part of the message Slack stores, readable by anyone in
 * the channel through the API, and it carries the customer's full number; the channel sees only opaque
 * text. Its own purpose, so neither a stored credential nor an installation can be passed off as one,
 * and bound to the workspace, so a button clicked in another one (Slack Connect, shared channels) does
 * not open there.
 */
const SEAL_PURPOSE = 'slack-button';

/** The sealed button value for an update, usable once within BUTTON_LIFETIME_MS, in `workspaceId` only. */
export function encodeActionPayload(
  update: ResolvedOrderStatus,
  channelId: string | undefined,
  sealer: Sealer,
  options: { workspaceId: string; now?: number },
): string {
  const u: Record<string, string> = {
    to: update.to,
    referenceId: update.referenceId,
    status: update.status,
    templateName: update.templateName,
    languageCode: update.languageCode,
  };
  if (update.description !== undefined) u.description = update.description;
  const n = randomBytes(16).toString('base64url');
  const x = Math.floor(((options.now ?? Date.now()) + BUTTON_LIFETIME_MS) / 1000);
  const json = JSON.stringify(channelId ? { u, c: channelId, n, x } : { u, n, x });
  return sealer.seal(json, { purpose: SEAL_PURPOSE, workspaceId: options.workspaceId });
}

/** Reads a sealed button value back in `workspaceId`; the update is validated again like any other input. */
export function decodeActionPayload(
  value: unknown,
  sealer: Sealer,
  options: { workspaceId: string; now?: number },
): OpenedActionPayload {
  const elsewhere = { ok: false, reason: 'elsewhere' } as const;
  if (typeof value !== 'string' || value.length > 2000) return elsewhere;
  const text = sealer.open(value, { purpose: SEAL_PURPOSE, workspaceId: options.workspaceId });
  if (text === undefined) return elsewhere;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return elsewhere;
  }
  const parsed = v.safeParse(ActionPayloadSchema, json);
  if (!parsed.success) return elsewhere;
  const { u, c, n, x } = parsed.output;
  if (x * 1000 <= (options.now ?? Date.now())) return { ok: false, reason: 'expired' };
  const result = validateOrderStatus(u);
  if (!result.ok) return elsewhere;
  const payload: ActionPayload = { request: result.value, nonce: n, expiresAt: new Date(x * 1000) };
  if (c) payload.channelId = c;
  return { ok: true, payload };
}
