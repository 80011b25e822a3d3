import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SEND_FROM_MESSAGE_SHORTCUT, SEND_ORDER_STATUS_FUNCTION } from '../../src/slack/ids.ts';
import { OAUTH_SCOPES } from '../../src/slack/oauth.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifestPath = path.join(projectRoot, 'slack-manifest.yml');
// Slack's published schema lives in shared/ beside the clone (data, not part of the project).
const schemaPath = path.resolve(
  projectRoot,
  '..',
  'shared',
  'slack-manifest-schema',
  'schemas',
  'manifest.schema.1.0.0.json',
);
const schemaPresent = existsSync(schemaPath);

if (!schemaPresent) {
  if (process.env.CI === 'true') {
    throw new Error(`Slack manifest schema missing at ${schemaPath}: CI must have shared/ beside the clone`);
  }
  console.warn(
    `slack-manifest: schema validation skipped: ${schemaPath} not found (no shared/ beside this clone)`,
  );
}

// ajv-formats is CommonJS; under NodeNext its default import is the module object, whose `default` is the plugin.
const addFormats = addFormatsModule.default;

type Manifest = {
  display_information: { name: string; description?: string };
  features: {
    app_home?: {
      home_tab_enabled?: boolean;
      messages_tab_enabled?: boolean;
      messages_tab_read_only_enabled?: boolean;
    };
    bot_user: { display_name: string; always_online?: boolean };
    shortcuts?: { name: string; type: 'message' | 'global'; callback_id: string; description: string }[];
    slash_commands: { command: string; url: string; description: string; usage_hint?: string }[];
  };
  oauth_config: { redirect_urls: string[]; scopes: { bot: string[]; user?: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string; message_menu_options_url?: string };
    org_deploy_enabled: boolean;
    socket_mode_enabled: boolean;
    token_rotation_enabled: boolean;
    function_runtime?: string;
  };
  functions?: Record<
    string,
    {
      title: string;
      description: string;
      input_parameters: Record<string, { type: string; name: string; is_required: boolean }>;
      output_parameters: Record<string, { type: string; name: string; is_required: boolean }>;
    }
  >;
};

function loadManifest(): Manifest {
  return parse(readFileSync(manifestPath, 'utf8')) as Manifest;
}

describe.skipIf(!schemaPresent)(
  `slack-manifest.yml against Slack's manifest schema (${schemaPresent ? 'shared/' : 'SKIPPED: shared/slack-manifest-schema not found beside the clone'})`,
  () => {
    function compile() {
      const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as { $schema?: string };
      // The schema declares draft-07, which is the default `Ajv` class (not ajv/dist/2019 or 2020).
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      // strictSchema catches keywords Ajv does not know (so none is silently ignored); strictTypes is off
      // because Slack's schema puts `minItems` on subschemas without `type: array`, which is still valid.
      const ajv = new Ajv({ strictSchema: true, strictTypes: false, allErrors: true });
      addFormats(ajv);
      // Slack's schema uses two keywords of its own: `_note` (a comment) and `regex` (a pattern that
      // Slack enforces but standard validators ignore). Enforce `regex` rather than silently skipping it.
      ajv.addKeyword({ keyword: '_note', schemaType: 'string' });
      ajv.addKeyword({
        keyword: 'regex',
        type: 'string',
        schemaType: 'string',
        validate: (pattern: string, data: string) => new RegExp(pattern).test(data),
      });
      return ajv.compile(schema);
    }

    it('validates with no errors', () => {
      const validate = compile();
      const valid = validate(loadManifest());
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    });

    it('the validator is not vacuous: unknown keys and bad values are rejected', () => {
      const validate = compile();
      const typo = structuredClone(loadManifest()) as Manifest & { settings: Record<string, unknown> };
      typo.settings.socket_mode = false;
      expect(validate(typo)).toBe(false);
      const badCommand = structuredClone(loadManifest());
      const command = badCommand.features.slash_commands[0];
      if (command) command.command = 'orderstatus';
      expect(validate(badCommand)).toBe(false);
      const badColor = structuredClone(loadManifest()) as Manifest & {
        display_information: { background_color?: string };
      };
      badColor.display_information.background_color = 'green';
      expect(validate(badColor)).toBe(false);
    });
  },
);

describe('slack-manifest.yml contents', () => {
  const manifest = loadManifest();

  it('tells the reader to replace YOUR-HOST', () => {
    const text = readFileSync(manifestPath, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^#/);
    expect(text).toMatch(/^#.*replace.*YOUR-HOST/im);
  });

  it('names the app and its bot', () => {
    expect(manifest.display_information.name).toBe('Order Status');
    expect(manifest.display_information.description).toBeTruthy();
    expect(manifest.features.bot_user).toEqual({ display_name: expect.any(String), always_online: false });
  });

  it('registers exactly the /orderstatus slash command on /slack/events', () => {
    expect(manifest.features.slash_commands).toEqual([
      {
        command: '/orderstatus',
        url: 'https://YOUR-HOST/slack/events',
        description: 'Send a WhatsApp order status update',
        usage_hint: '+919876543210 395001 shipped [description] · help · config',
        should_escape: false,
      },
    ]);
  });

  it('asks for exactly these bot scopes (files for bulk CSVs and their results) and no user scopes', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      ['chat:write', 'chat:write.public', 'commands', 'files:read', 'files:write', 'users:read'].sort(),
    );
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
    // An OAuth install asks Slack for the same scopes.
    expect([...OAUTH_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });

  it('sends OAuth, interactivity and events to the routes the server serves', () => {
    expect(manifest.oauth_config.redirect_urls).toEqual(['https://YOUR-HOST/slack/oauth_redirect']);
    expect(manifest.settings.interactivity).toEqual({
      is_enabled: true,
      request_url: 'https://YOUR-HOST/slack/events',
      // The template picker's options (block_suggestion) come to the same route.
      message_menu_options_url: 'https://YOUR-HOST/slack/events',
    });
    expect(manifest.settings.event_subscriptions.request_url).toBe('https://YOUR-HOST/slack/events');
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([
      'app_home_opened',
      'app_uninstalled',
      'function_executed',
      'tokens_revoked',
    ]);
  });

  it('has the Home tab (Messages tab read-only) and the "Send order status" message shortcut the app listens for', () => {
    expect(manifest.features.app_home).toEqual({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: true,
    });
    expect(manifest.features.shortcuts).toEqual([
      {
        name: 'Send order status',
        type: 'message',
        callback_id: SEND_FROM_MESSAGE_SHORTCUT,
        description: expect.any(String),
      },
    ]);
  });

  it('uses the HTTP receiver, no token rotation; org-ready with its functions run by this app', () => {
    expect(manifest.settings.org_deploy_enabled).toBe(true);
    expect(manifest.settings.function_runtime).toBe('remote');
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.settings.token_rotation_enabled).toBe(false);
  });

  it('declares the Workflow Builder step send_order_status with its inputs and outputs', () => {
    const step = manifest.functions?.[SEND_ORDER_STATUS_FUNCTION];
    expect(step?.title).toBe('Send WhatsApp order status');
    const shape = (params: Record<string, { type: string; name: string; is_required: boolean }>) =>
      Object.fromEntries(
        Object.entries(params).map(([key, p]) => {
          expect(p.name).toBe(key);
          return [key, [p.type, p.is_required]];
        }),
      );
    expect(shape(step?.input_parameters ?? {})).toEqual({
      customer_number: ['string', true],
      order_reference: ['string', true],
      order_status: ['string', true],
      description: ['string', false],
      sent_by: ['slack#/types/user_id', false],
    });
    expect(shape(step?.output_parameters ?? {})).toEqual({
      message_id: ['string', true],
      outcome: ['string', true],
    });
  });

  it('every URL points at YOUR-HOST over https', () => {
    const text = readFileSync(manifestPath, 'utf8');
    const urls = [...text.matchAll(/https?:\/\/[^\s"']+/g)]
      .map((m) => m[0])
      .filter((u) => !u.includes('api.slack.com'));
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const url of urls) expect(url).toMatch(/^https:\/\/YOUR-HOST\/slack\/(events|oauth_redirect)$/);
  });
});
