import * as v from 'valibot';
import { type OrderStatusRequest, validateOrderStatus } from '../domain/order-status.ts';
import type { ResolvedOrderStatus } from '../domain/order-update.ts';
import type { Sealer } from '../domain/sealer.ts';

/** What a Retry / Send again button carries: the update and where to report, nothing about the workspace. */
const ActionPayloadSchema = v.object({
  u: v.record(v.string(), v.string()),
  c: v.optional(v.string()),
});

export type ActionPayload = { request: OrderStatusRequest; channelId?: string };

/**
 * Button values are sealed: a button's value is part of the message Slack stores, readable by anyone in
 * the channel through the API, and it carries the customer's full number; the channel sees only opaque
 * text. Its own purpose, so neither a stored credential nor an installation can be passed off as one.
 */
const SEAL_PURPOSE = 'slack-button';

/** The sealed button value for an update. */
export function encodeActionPayload(
  update: ResolvedOrderStatus,
  channelId: string | undefined,
  sealer: Sealer,
): string {
  const u: Record<string, string> = {
    to: update.to,
    referenceId: update.referenceId,
    status: update.status,
    templateName: update.templateName,
    languageCode: update.languageCode,
  };
  if (update.description !== undefined) u.description = update.description;
  const json = JSON.stringify(channelId ? { u, c: channelId } : { u });
  return sealer.seal(json, SEAL_PURPOSE);
}

/** Reads a sealed button value back; it is validated again like any other input. */
export function decodeActionPayload(value: unknown, sealer: Sealer): ActionPayload | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  const text = sealer.open(value, SEAL_PURPOSE);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(ActionPayloadSchema, json);
  if (!parsed.success) return undefined;
  const result = validateOrderStatus(parsed.output.u);
  if (!result.ok) return undefined;
  return parsed.output.c ? { request: result.value, channelId: parsed.output.c } : { request: result.value };
}
