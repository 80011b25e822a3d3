import { kaleyraApiKeyOf } from '../config.ts';
import { describeStatusSpelling } from '../domain/status-spelling.ts';
import {
  maskApiKey,
  validateWorkspaceSettings,
  type WorkspaceCredentials,
} from '../domain/workspace-settings.ts';
import { ValidationError } from '../errors/validation-error.ts';
import type { CliCommand, CliWork, Env, Io } from './command.ts';
import {
  type CliOptions,
  checkSubcommand,
  type OptionName,
  renameIssues,
  requireOption,
  UsageError,
} from './usage.ts';

const SETTINGS_FLAGS: Record<string, string> = {
  sid: '--sid',
  apiKey: '--api-key',
  pod: '--pod',
  businessNumber: '--business-number',
  templateName: '--template',
  languageCode: '--language',
  wabaId: '--waba-id',
  repliesChannel: '--replies-channel',
  statusSpelling: '--status-spelling',
};

const SET_FLAGS: readonly OptionName[] = [
  'team',
  'sid',
  'api-key',
  'pod',
  'business-number',
  'template',
  'language',
  'waba-id',
  'replies-channel',
  'status-spelling',
];

/** The flags of each `credentials` subcommand. */
const ACTIONS: Record<string, readonly OptionName[]> = {
  set: SET_FLAGS,
  show: ['team'],
  delete: ['team'],
  reencrypt: [],
};

/** `orderstatus credentials set|show|delete|reencrypt`. */
export const credentialsCommand: CliCommand = {
  flags: SET_FLAGS,
  prepare(values, action, io, env) {
    checkSubcommand('credentials', action, ACTIONS, values);
    if (action === 'reencrypt') return reencrypt(io);
    const team = requireOption(values, 'team');
    if (action === 'show') return show(team, io);
    if (action === 'delete') return remove(team, io);
    return set(team, values, io, env);
  },
};

function reencrypt(io: Io): CliWork {
  return async (services) => {
    const count = await services.credentials.reencryptAll();
    const installations = await services.installationStore.reencryptAll();
    const resealed = await services.resealKeyedHashKey();
    io.out(
      `re-encrypted ${count} workspace${count === 1 ? '' : 's'} and ${installations} Slack installation${installations === 1 ? '' : 's'} with key ${services.currentKeyId}`,
    );
    // The key itself is kept: duplicate-guard and other stored hashes stay valid.
    if (resealed) io.out(`re-sealed the keyed-hash key with key ${services.currentKeyId}`);
    return 0;
  };
}

function show(team: string, io: Io): CliWork {
  return async (services) => {
    const credentials = await services.credentials.get(team);
    if (!credentials) {
      io.err(
        `No Kaleyra credentials for ${team}. Set them with: orderstatus credentials set --team ${team} …`,
      );
      return 1;
    }
    for (const line of describeCredentials(team, credentials)) io.out(line);
    return 0;
  };
}

function remove(team: string, io: Io): CliWork {
  return async (services) => {
    const deleted = await services.credentials.delete(team);
    io.out(deleted ? `deleted the Kaleyra credentials of ${team}` : `${team} had no Kaleyra credentials`);
    return 0;
  };
}

/**
 * The API key never comes as an argument (it would show in `ps` and stay in the shell history): it is
 * read from stdin (`--api-key -`) or taken from KALEYRA_API_KEY.
 */
function apiKeyOf(values: CliOptions, io: Io, env: Env): string {
  const flag = values['api-key'];
  if (flag === '-') {
    const key = io.readStdin().trim();
    if (key === '') {
      throw new UsageError(
        '--api-key - read the key from stdin, but stdin was empty: pipe it in (printf %s "$KEY" | orderstatus credentials set … --api-key -), or leave --api-key out and set KALEYRA_API_KEY',
        { usage: false },
      );
    }
    return key;
  }
  if (flag !== undefined) {
    throw new UsageError(
      'refusing an API key on the command line (it would show in ps and stay in the shell history): give --api-key - to read it from stdin, or leave --api-key out and set KALEYRA_API_KEY',
      { usage: false },
    );
  }
  const fromEnv = kaleyraApiKeyOf(env);
  if (fromEnv === undefined) {
    throw new UsageError(
      'no API key: pipe it in with --api-key - (printf %s "$KEY" | orderstatus credentials set … --api-key -), or set KALEYRA_API_KEY',
      { usage: false },
    );
  }
  return fromEnv;
}

function set(team: string, values: CliOptions, io: Io, env: Env): CliWork {
  const result = validateWorkspaceSettings({
    sid: values.sid ?? '',
    apiKey: apiKeyOf(values, io, env),
    pod: values.pod ?? '',
    businessNumber: values['business-number'] ?? '',
    ...(values.template !== undefined ? { templateName: values.template } : {}),
    ...(values.language !== undefined ? { languageCode: values.language } : {}),
    ...(values['waba-id'] !== undefined ? { wabaId: values['waba-id'] } : {}),
    ...(values['replies-channel'] !== undefined ? { repliesChannel: values['replies-channel'] } : {}),
    ...(values['status-spelling'] !== undefined ? { statusSpelling: values['status-spelling'] } : {}),
  });
  if (!result.ok) throw new ValidationError(renameIssues(result.issues, SETTINGS_FLAGS));
  return async (services) => {
    const saved = await services.credentials.set(team, result.value, 'cli');
    io.out(`saved the Kaleyra credentials of ${team}`);
    for (const line of describeCredentials(team, saved)) io.out(line);
    return 0;
  };
}

function describeCredentials(team: string, credentials: WorkspaceCredentials): string[] {
  return [
    `team:            ${team}`,
    `sid:             ${credentials.sid}`,
    `api key:         ${maskApiKey(credentials.apiKey)}`,
    `pod:             ${credentials.pod}`,
    `business number: ${credentials.businessNumber}`,
    `template:        ${credentials.templateName} (${credentials.languageCode})`,
    `waba id:         ${credentials.wabaId ?? '(none: agents type the template name)'}`,
    `replies channel: ${credentials.repliesChannel ?? "(none: replies no order's thread can take go to the order's agent by DM, or wait on admins' App Home)"}`,
    `status spelling: ${describeStatusSpelling(credentials.statusSpelling)}`,
    `updated:         ${credentials.updatedAt} by ${credentials.updatedBy}`,
  ];
}
