import * as v from 'valibot';
import { type OrderStatusRequest, validateOrderStatus } from '../domain/order-status.ts';
import type { ResolvedOrderStatus } from '../services/types.ts';

/** What a Retry / Send again button carries: the update and where to report, nothing about the workspace. */
const ActionPayloadSchema = v.object({
  u: v.record(v.string(), v.string()),
  c: v.optional(v.string()),
});

export type ActionPayload = { request: OrderStatusRequest; channelId?: string };

export function encodeActionPayload(update: ResolvedOrderStatus, channelId: string | undefined): string {
  const u: Record<string, string> = {
    to: update.to,
    referenceId: update.referenceId,
    status: update.status,
    templateName: update.templateName,
    languageCode: update.languageCode,
  };
  if (update.description !== undefined) u.description = update.description;
  return JSON.stringify(channelId ? { u, c: channelId } : { u });
}

/** Reads a button value back; it is validated again like any other input. */
export function decodeActionPayload(value: unknown): ActionPayload | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(ActionPayloadSchema, json);
  if (!parsed.success) return undefined;
  const result = validateOrderStatus(parsed.output.u);
  if (!result.ok) return undefined;
  return parsed.output.c ? { request: result.value, channelId: parsed.output.c } : { request: result.value };
}
