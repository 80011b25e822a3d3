import {
  maskApiKey,
  validateWorkspaceSettings,
  type WorkspaceCredentials,
} from '../domain/workspace-settings.ts';
import { ValidationError } from '../errors/validation-error.ts';
import type { CliCommand, CliWork, Io } from './command.ts';
import { type CliOptions, renameIssues, requireOption, UsageError } from './usage.ts';

const SETTINGS_FLAGS: Record<string, string> = {
  sid: '--sid',
  apiKey: '--api-key',
  pod: '--pod',
  businessNumber: '--business-number',
  templateName: '--template',
  languageCode: '--language',
  wabaId: '--waba-id',
};

/** `orderstatus credentials set|show|delete|reencrypt`. */
export const credentialsCommand: CliCommand = {
  prepare(values, action, io) {
    if (action === 'reencrypt') return reencrypt(io);
    const team = requireOption(values, 'team');
    if (action === 'show') return show(team, io);
    if (action === 'delete') return remove(team, io);
    if (action === 'set') return set(team, values, io);
    throw new UsageError(`unknown credentials command: ${action ?? '(none)'}`);
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

function set(team: string, values: CliOptions, io: Io): CliWork {
  const apiKey = values['api-key'] === '-' ? io.readStdin().trim() : values['api-key'];
  const result = validateWorkspaceSettings({
    sid: values.sid ?? '',
    apiKey: apiKey ?? '',
    pod: values.pod ?? '',
    businessNumber: values['business-number'] ?? '',
    ...(values.template !== undefined ? { templateName: values.template } : {}),
    ...(values.language !== undefined ? { languageCode: values.language } : {}),
    ...(values['waba-id'] !== undefined ? { wabaId: values['waba-id'] } : {}),
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
    `updated:         ${credentials.updatedAt} by ${credentials.updatedBy}`,
  ];
}
