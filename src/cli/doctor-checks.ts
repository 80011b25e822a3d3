import { type Config, ConfigError, loadConfig, loadServerConfig } from '../config.ts';
import { describeError } from '../describe/describe-error.ts';
import type { WorkspaceCredentials } from '../domain/workspace-settings.ts';
import { StorageError } from '../errors/storage-error.ts';
import { KaleyraError } from '../kaleyra/kaleyra-error.ts';
import type { Services } from '../services/open-services.ts';
import type { LastSend } from '../storage/last-sends.ts';
import { cliSurface } from './cli-surface.ts';
import { callbacksCheck } from './doctor-callbacks-check.ts';
import { type DoctorCheck, type Finding, workspacesCheckOf } from './doctor-check.ts';
import { kaleyraBaseUrlCheck, slackCheck } from './doctor-setup-checks.ts';

export type { DoctorCheck, DoctorContext, Finding } from './doctor-check.ts';

const fail = (subject: string, text: string, fix?: string): Finding => ({
  status: 'fail',
  subject,
  text,
  ...(fix ? { fix } : {}),
});

/** The settings the server and the CLI read: every problem, as the server would refuse to start with it. */
export const configurationCheck: DoctorCheck = {
  subject: 'configuration',
  async run(context) {
    const findings: Finding[] = [];
    try {
      context.serverConfig = loadServerConfig(context.env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const problem of error.problems)
        findings.push(fail('configuration', `the server would not start: ${problem}`));
    }
    try {
      context.config = context.serverConfig ?? loadConfig(context.env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error; // already listed above, as the server's problems
      return findings;
    }
    const { storage } = context.config;
    const database = storage.databaseUrl
      ? 'Postgres (DATABASE_URL)'
      : `the embedded database in ${storage.dataDir}`;
    const slack = context.serverConfig?.slack;
    const mode = slack
      ? `; Slack: ${slack.auth.mode === 'single' ? 'one workspace' : 'OAuth install'} over ${slack.transport.kind === 'http' ? 'HTTP' : 'Socket Mode'}`
      : '';
    if (findings.length === 0)
      findings.push({ status: 'ok', subject: 'configuration', text: `${database}${mode}` });
    return findings;
  },
};

/** The database: reachable, its schema current (a shared Postgres is migrated explicitly). */
export const databaseCheck: DoctorCheck = {
  subject: 'database',
  needs: 'config',
  async run(context) {
    const config = context.config as Config;
    const [{ openServices }, { createLogger }, { readSchemaVersion, SCHEMA_VERSION }] = await Promise.all([
      import('../services/open-services.ts'),
      import('../logger.ts'),
      import('../storage/migrations.ts'),
    ]);
    try {
      context.services = await openServices(config, createLogger({ level: 'silent' }));
    } catch (error) {
      if (error instanceof ConfigError) return error.problems.map((problem) => fail('database', problem));
      const cause = error instanceof Error ? error.message : String(error);
      return [
        fail(
          'database',
          `cannot be reached: ${cause}`,
          config.storage.databaseUrl
            ? 'Check that Postgres is running and that DATABASE_URL points at it (host, port, database, password).'
            : `Check DATA_DIR (${config.storage.dataDir}): it must be writable by this user and not held by a process that does not answer.`,
        ),
      ];
    }
    const version = await readSchemaVersion(context.services.db);
    return [
      {
        status: 'ok',
        subject: 'database',
        text: `${context.services.databaseMode === 'postgres' ? 'Postgres' : 'embedded'}, reachable, schema at version ${version} of ${SCHEMA_VERSION}`,
      },
    ];
  },
};

// Codes that say the stored settings themselves are wrong (as opposed to Kaleyra or the network being down).
const SETTINGS_CODES = new Set(['RBC001', 'WA401', 'WA-401', 'E110']);

/**
 * Each workspace's Kaleyra credentials: readable, and working by the last send's result (Kaleyra's only
 * harmless authenticated call, Get Templates, also needs a WABA id, which the settings do not hold yet).
 */
export const workspacesCheck: DoctorCheck = workspacesCheckOf(
  'workspaces',
  async (services, { ids, lastSends }) => {
    if (ids.length === 0) {
      return [
        {
          status: 'warn',
          subject: 'workspaces',
          text: 'no workspace has Kaleyra credentials yet',
          fix: 'A workspace admin runs /orderstatus config in Slack, or: orderstatus credentials set --team T… --sid … --api-key - --pod … --business-number …',
        },
      ];
    }
    const findings: Finding[] = [];
    for (const id of ids) findings.push(await checkWorkspace(services, id, lastSends.get(id)));
    return findings;
  },
);

async function checkWorkspace(services: Services, id: string, last: LastSend | undefined): Promise<Finding> {
  const subject = `workspace ${id}`;
  const surface = cliSurface({ team: id, sends: true });
  let updatedAt: string;
  try {
    const credentials = await services.credentials.get(id);
    if (!credentials) return fail(subject, 'its settings disappeared while checking');
    updatedAt = credentials.updatedAt;
    // With a WABA id Kaleyra has a harmless authenticated call: list the templates.
    const asked = credentials.wabaId ? await checkByTemplates(services, id, credentials) : undefined;
    if (asked) return asked;
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    const description = describeError(error, surface);
    return fail(subject, description.summary, description.nextStep);
  }
  if (!last) {
    return {
      status: 'warn',
      subject,
      text: 'nothing sent yet, so its Kaleyra SID and API key are untested',
      fix: `Send one update to check them: orderstatus send --team ${id} --to +… --ref … --status …`,
    };
  }
  if (last.outcome === 'sent') {
    return {
      status: 'ok',
      subject,
      text: `the last send (${last.at}) was accepted by Kaleyra${last.messageId ? ` (message_id ${last.messageId})` : ''}`,
    };
  }
  const code = last.errorCode ?? 'UNKNOWN';
  const { summary, nextStep } = describeError(new KaleyraError({ code, outcome: 'rejected' }), surface);
  if (updatedAt > last.at) {
    return {
      status: 'warn',
      subject,
      text: `the last send (${last.at}) failed with ${code}, but the settings changed after it (${updatedAt}): untested since`,
      fix: `Send one update to check them: orderstatus send --team ${id} --to +… --ref … --status …`,
    };
  }
  const text = `the last send (${last.at}) failed with ${code}: ${summary}`;
  return SETTINGS_CODES.has(code)
    ? fail(subject, text, nextStep)
    : { status: 'warn', subject, text, fix: nextStep };
}

/**
 * The credentials judged by Kaleyra's answer to Get Templates (SID, API key and WABA id at once), or
 * undefined when Kaleyra could not be asked (timeout, network): the last send then decides.
 */
async function checkByTemplates(
  services: Services,
  id: string,
  credentials: WorkspaceCredentials,
): Promise<Finding | undefined> {
  const subject = `workspace ${id}`;
  const choices = await services.templateChoices.choicesFor(id, credentials);
  if (choices.ok) {
    const count = choices.templates.length;
    return {
      status: 'ok',
      subject,
      text: `Kaleyra accepted its SID and API key (${count} approved template${count === 1 ? '' : 's'})`,
    };
  }
  if (choices.reason === 'NO_TEMPLATES') {
    return {
      status: 'warn',
      subject,
      text: 'Kaleyra accepted its SID and API key, but lists no approved utility template for its WABA id',
      fix: 'Check the WhatsApp Business Account id, and that an order-status template is approved in Kaleyra.',
    };
  }
  if (['TIMEOUT', 'NETWORK', 'BAD_RESPONSE', 'NO_WABA_ID'].includes(choices.reason)) return undefined;
  const error = new KaleyraError({ code: choices.reason, outcome: 'rejected' });
  const { summary, nextStep } = describeError(error, cliSurface({ team: id }));
  return fail(subject, `Kaleyra refused to list its templates (${choices.reason}): ${summary}`, nextStep);
}

/**
 * Everything `orderstatus doctor` checks, in order. A new check is one more entry: it receives the
 * context the earlier checks filled in and returns its findings.
 */
export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
  configurationCheck,
  slackCheck,
  kaleyraBaseUrlCheck,
  databaseCheck,
  workspacesCheck,
  callbacksCheck,
];
