import type { WorkspaceCredentials } from '../domain/workspace-settings.ts';
import { SendRefusedError } from '../errors/send-refused-error.ts';
import { StorageError } from '../errors/storage-error.ts';
import type { GuardState, SendGuardStore } from '../storage/send-guard-store.ts';
import type { GuardInput, GuardVerdict, SendGuard } from './send-guard.ts';
import type { SendWarning } from './types.ts';

export type ConsentGuardDeps = { store: Pick<SendGuardStore, 'read'> };

/** What the guard decides about a send from the state it read (pure, so every path decides alike). */
export function decide(
  state: GuardState,
  send: {
    businessNumber: string;
    templateName: string | undefined;
    languageCode?: string | undefined;
    bulk: boolean;
  },
): GuardVerdict {
  if (state.optOut) {
    const { changedBy, since, reason } = state.optOut;
    return refuse('opted_out', { by: changedBy, since: since.toISOString(), why: reason || undefined });
  }
  if (state.template && send.templateName !== undefined) {
    return refuse('template_paused', {
      templateName: send.templateName,
      languageCode: send.languageCode,
      event: state.template.event,
      metaReason: metaReason(state.template.reason),
    });
  }
  const warnings: SendWarning[] = [];
  if (state.number) {
    const { event, currentLimit, since, override } = state.number;
    if (send.bulk && !override) {
      return refuse('number_flagged', { businessNumber: send.businessNumber, currentLimit, event });
    }
    warnings.push({
      kind: 'number_flagged',
      businessNumber: send.businessNumber,
      event,
      since: since.toISOString(),
    });
  }
  return { ok: true, warnings };
}

/** Meta writes `NONE` when it gives no reason. */
function metaReason(reason: string | undefined): string | undefined {
  return reason && reason.trim().toUpperCase() !== 'NONE' ? reason : undefined;
}

function refuse(
  reason: ConstructorParameters<typeof SendRefusedError>[0],
  details: Record<string, string | undefined>,
): GuardVerdict {
  const defined = Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
  return { ok: false, error: new SendRefusedError(reason, defined) };
}

/**
 * The real SendGuard: the customer's consent (opt-outs of this workspace's business number), the
 * template's state and the number's quality, read in one statement on every send and every bulk start.
 * Nothing is cached, so a STOP or a pause recorded by any replica holds on the next send everywhere.
 * When the database cannot answer, nothing is sent (StorageError).
 */
export function createConsentGuard(deps: ConsentGuardDeps) {
  async function read(query: Parameters<SendGuardStore['read']>[0]): Promise<GuardState> {
    try {
      return await deps.store.read(query);
    } catch (error) {
      throw error instanceof StorageError
        ? error
        : new StorageError('Could not read the opt-outs and the account’s state.', { cause: error });
    }
  }

  const guard: SendGuard & {
    checkBulkStart(workspaceId: string, credentials: WorkspaceCredentials): Promise<GuardVerdict>;
  } = {
    async check(input: GuardInput): Promise<GuardVerdict> {
      const { businessNumber } = input.credentials;
      const { message } = input;
      const templateName = message.kind === 'order_status' ? message.templateName : undefined;
      const languageCode = message.kind === 'order_status' ? message.languageCode : undefined;
      const state = await read({
        workspaceId: input.workspaceId,
        businessNumber,
        customerHash: input.customerHash,
        templateName,
        languageCode,
      });
      return decide(state, { businessNumber, templateName, languageCode, bulk: input.bulk });
    },

    /** May a bulk job (Slack or `send --csv`) start now? Refused while its template is stopped or the number flagged. */
    async checkBulkStart(workspaceId, credentials) {
      const { businessNumber, templateName, languageCode } = credentials;
      const query = { workspaceId, businessNumber, customerHash: undefined, templateName, languageCode };
      return decide(await read(query), { businessNumber, templateName, languageCode, bulk: true });
    },
  };
  return guard;
}

export type ConsentGuard = ReturnType<typeof createConsentGuard>;
