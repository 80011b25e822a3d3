import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { type OrderStatusRequest, validateOrderStatus } from '../domain/order-status.ts';
import type { ResolvedOrderStatus } from '../services/types.ts';

/** What a Retry / Send again button carries: the update and where to report, nothing about the workspace. */
const ActionPayloadSchema = v.object({
  u: v.record(v.string(), v.string()),
  c: v.optional(v.string()),
});

export type ActionPayload = { request: OrderStatusRequest; channelId?: string };

/**
 * Seals button values. A button's value is part of the message Slack stores, readable by anyone in the
 * channel through the API, and it carries the customer's full number: sealed (AES-256-GCM under a key
 * derived from a server secret every replica shares), the channel sees only opaque text.
 */
export type ActionPayloadSeal = { seal(text: string): string; open(value: string): string | undefined };

const SEALED_PREFIX = 's1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function createActionPayloadSeal(serverSecret: string): ActionPayloadSeal {
  const key = Buffer.from(
    hkdfSync('sha256', serverSecret, Buffer.alloc(0), 'orderstatus action payload v1', 32),
  );
  return {
    seal(text) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return `${SEALED_PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
    },
    open(value) {
      if (!value.startsWith(SEALED_PREFIX)) return undefined;
      const bytes = Buffer.from(value.slice(SEALED_PREFIX.length), 'base64url');
      if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([
          decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
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
