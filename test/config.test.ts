import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadServerConfig } from '../src/config.ts';

const single = { SLACK_SIGNING_SECRET: 'secret', SLACK_BOT_TOKEN: 'xoxb-1-2-3' };

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadServerConfig(single);
    expect(config.port).toBe(3000);
    expect(config.logLevel).toBe('info');
    expect(config.storage.databaseUrl).toBeUndefined();
    expect(config.storage.dataDir).toMatch(/\/data$/);
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.slack.auth).toEqual({ mode: 'single', botToken: 'xoxb-1-2-3' });
    expect(config.slack.transport).toEqual({ kind: 'http', signingSecret: 'secret' });
    expect(config.kaleyraTimeoutMs).toBe(15_000);
    expect(config.kaleyraRateLimit).toBe(80);
    expect(config.journalRetentionDays).toBe(90);
  });

  it('reads JOURNAL_RETENTION_DAYS', () => {
    expect(loadServerConfig({ ...single, JOURNAL_RETENTION_DAYS: '30' }).journalRetentionDays).toBe(30);
  });

  it('picks OAuth mode from the three OAuth variables', () => {
    const config = loadServerConfig({
      SLACK_SIGNING_SECRET: 's',
      SLACK_CLIENT_ID: 'id',
      SLACK_CLIENT_SECRET: 'cs',
      SLACK_STATE_SECRET: 'ss',
    });
    expect(config.slack.auth.mode).toBe('oauth');
  });

  it('picks Socket Mode from SLACK_APP_TOKEN, without a signing secret', () => {
    const config = loadServerConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-2' });
    expect(config.slack.transport.kind).toBe('socket');
  });

  it.each([
    [{}, 'Set SLACK_BOT_TOKEN'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET is required'],
    [{ ...single, SLACK_CLIENT_ID: 'id' }, 'not both'],
    [{ SLACK_SIGNING_SECRET: 's', SLACK_CLIENT_ID: 'id' }, 'SLACK_CLIENT_SECRET and SLACK_STATE_SECRET'],
    [{ ...single, SLACK_BOT_TOKEN: 'xoxp-user' }, 'xoxb-'],
    [{ ...single, SLACK_APP_TOKEN: 'nope' }, 'xapp-'],
    [
      { SLACK_APP_TOKEN: 'xapp-1', SLACK_CLIENT_ID: 'i', SLACK_CLIENT_SECRET: 'c', SLACK_STATE_SECRET: 's' },
      'Socket Mode (SLACK_APP_TOKEN) is for one workspace',
    ],
    [{ ...single, PORT: 'http' }, 'PORT'],
    [{ ...single, PORT: '70000' }, 'PORT'],
    [{ ...single, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ...single, DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ ...single, DATABASE_URL: 'postgres://db/x' }, 'ENCRYPTION_KEY is required with DATABASE_URL'],
    [{ ...single, SLACK_API_URL: 'not a url' }, 'SLACK_API_URL'],
    [{ ...single, KALEYRA_BASE_URL: 'nope' }, 'KALEYRA_BASE_URL'],
    [{ ...single, KALEYRA_RATE_LIMIT: '0' }, 'KALEYRA_RATE_LIMIT'],
    [{ ...single, JOURNAL_RETENTION_DAYS: '0' }, 'JOURNAL_RETENTION_DAYS must be at least 1'],
    [{ ...single, JOURNAL_RETENTION_DAYS: 'forever' }, 'JOURNAL_RETENTION_DAYS must be a whole number'],
  ])('stops with one line for %j', (env, message) => {
    const text = errorOf(() => loadServerConfig(env));
    expect(text).toContain(message);
    expect(text).not.toContain('\n');
  });

  it('lists every missing or malformed variable at once, each naming the variable once', () => {
    let error: unknown;
    try {
      loadServerConfig({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'postgres://db/x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      'PORT must be a number between 1 and 65535',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      'ENCRYPTION_KEY is required with DATABASE_URL: set it to 32 random bytes in base64 (openssl rand -base64 32)',
      'Set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET (OAuth install)',
      'SLACK_SIGNING_SECRET is required (Slack app → Basic Information → Signing Secret), or SLACK_APP_TOKEN for Socket Mode',
    ]);
  });

  it('treats empty variables as unset', () => {
    expect(loadServerConfig({ ...single, DATABASE_URL: '', PORT: '' }).port).toBe(3000);
  });

  it('never puts a secret in its messages', () => {
    const text = errorOf(() =>
      loadServerConfig({ SLACK_BOT_TOKEN: 'xoxb-supersecret', SLACK_CLIENT_ID: 'id' }),
    );
    expect(text).not.toContain('supersecret');
  });

  it('lets the CLI run without any Slack setting', () => {
    expect(loadConfig({}).storage.encryptionKey).toBeUndefined();
  });
});
