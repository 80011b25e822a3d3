import * as v from 'valibot';
import { type OrderStatusRequest, validateOrderStatus } from '../domain/order-status.ts';
import type { ResolvedOrderStatus } from '../services/types.ts';
import type { Cipher } from '../storage/encryption.ts';

/** What a Retry / Send again button carries: the update and where to report, nothing about the workspace. */
const ActionPayloadSchema = v.object({
  u: v.record(v.string(), v.string()),
  c: v.optional(v.string()),
});

export type ActionPayload = { request: OrderStatusRequest; channelId?: string };

/**
 * Seals button values. A button's value is part of the message Slack stores, readable by anyone in the
 * channel through the API, and it carries the customer's full number: sealed with the same cipher as
 * the stored API keys (ENCRYPTION_KEY, old keys still readable during a rotation), the channel sees
 * only opaque text.
 */
export type ActionPayloadSeal = { seal(text: string): string; open(value: string): string | undefined };

// Its own AAD, so neither a stored credential nor an installation can be passed off as a button value.
const SEAL_AAD = 'slack-button';

export function createActionPayloadSeal(cipher: Pick<Cipher, 'encrypt' | 'decrypt'>): ActionPayloadSeal {
  return {
    seal: (text) => cipher.encrypt(text, SEAL_AAD),
    open(value) {
      try {
        return cipher.decrypt(value, SEAL_AAD);
      } catch {
        return undefined;
      }
    },
  };
}

/** The button value for an update; sealed when `seal` is given (always, in the running app). */
export function encodeActionPayload(
  update: ResolvedOrderStatus,
  channelId: string | undefined,
  seal?: ActionPayloadSeal,
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
  return seal ? seal.seal(json) : json;
}

/** Reads a button value back (with `seal`, only a sealed one); it is validated again like any other input. */
export function decodeActionPayload(value: unknown, seal?: ActionPayloadSeal): ActionPayload | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  const text = seal ? seal.open(value) : value;
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
