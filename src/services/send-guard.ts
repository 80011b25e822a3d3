import type { WorkspaceCredentials } from '../domain/workspace-settings.ts';
import type { SendRefusedError } from '../errors/send-refused-error.ts';
import type { SendWarning } from './types.ts';

/** What the guard is asked about a send, before anything is journaled or sent. */
export type GuardInput = {
  workspaceId: string;
  credentials: WorkspaceCredentials;
  /** The customer number's keyed hash (customer-number purpose). */
  customerHash: string;
  message:
    | { kind: 'order_status'; templateName: string; languageCode?: string | undefined }
    | { kind: 'text' };
  /** A bulk row (Slack or CSV): refused while the business number is flagged; a single send is warned. */
  bulk: boolean;
};

export type GuardVerdict = { ok: true; warnings: SendWarning[] } | { ok: false; error: SendRefusedError };

/**
 * The one place every send path asks before Kaleyra whether the customer's consent and the account's
 * health allow a send. It reads the database on every send (no cache a STOP could wait behind); when it
 * cannot, it throws StorageError and nothing is sent.
 */
export type SendGuard = { check(input: GuardInput): Promise<GuardVerdict> };

/** Allows everything (tests of other parts, and until consent is wired). */
export const ALLOW_ALL: SendGuard = { check: async () => ({ ok: true, warnings: [] }) };
