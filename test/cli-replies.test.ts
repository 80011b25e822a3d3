import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSavedReplyName, SAVED_REPLIES_MAX } from '../src/domain/saved-reply.ts';
import { openDatabase } from '../src/storage/database.ts';
import { migrate } from '../src/storage/migrations.ts';
import { createSavedRepliesStore } from '../src/storage/saved-replies-store.ts';
import { cliStorageModes, runCliProcess as runCli } from './support/cli-process.ts';
import { probeTestDatabase } from './support/postgres.ts';
import { TEST_ENCRYPTION_KEY, uniqueTeamId } from './support/start-app.ts';

const pgUrl = await probeTestDatabase();
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

// Each process opens storage (the embedded one takes seconds on a busy machine): a few per test, and room.
const CLI_TEST_MS = 60_000;

describe.each(cliStorageModes(pgUrl, TEST_ENCRYPTION_KEY))(
  'orderstatus replies on the %s',
  (_name, storageEnv) => {
    let dataDir: string;
    let env: Record<string, string>;
    beforeAll(async () => {
      if (!storageEnv) return;
      dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-cli-replies-'));
      env = storageEnv(dataDir);
    });
    afterAll(async () => {
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });
    const replies = (team: string, args: string[], stdin = '') =>
      runCli(['replies', ...args, '--team', team], env, stdin);
    /** Replies saved straight into the store the CLI uses (no process running), by the CLI. */
    async function seed(team: string, entries: Array<[name: string, text: string]>) {
      const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir, logger: quiet });
      try {
        await migrate(db);
        const store = createSavedRepliesStore(db);
        for (const [typed, text] of entries) {
          const name = readSavedReplyName(typed);
          if (!name.ok) throw new Error(name.issue);
          await store.add({
            workspaceId: team,
            ...name,
            text,
            by: 'cli',
            replace: false,
            max: SAVED_REPLIES_MAX,
          });
        }
      } finally {
        await db.close();
      }
    }

    const long = `Line one for {agent}\n${'and more words '.repeat(20)}`;

    it.skipIf(!storageEnv)(
      'adds, and lists by name, each text on one line',
      async () => {
        const team = uniqueTeamId();
        await seed(team, [['Apology', long]]);
        const added = await replies(team, [
          'add',
          '--name',
          'Running late',
          '--text',
          'Hi {name}, {order} is late. {{sorry}}',
        ]);
        expect(added.stderr).toBe('');
        expect(added.code).toBe(0);
        expect(added.stdout).toBe(
          `saved: “Running late” ({name}, {order}); ${team} has 2 saved replies (at most 90).\n`,
        );

        const listed = await replies(team, ['list']);
        expect(listed.code, listed.stderr).toBe(0);
        const lines = listed.stdout.trimEnd().split('\n');
        expect(lines[0]).toBe(`2 saved replies in ${team} (at most 90), by name:`);
        expect(lines[2]).toBe('  Running late: Hi {name}, {order} is late. {{sorry}}');
        // A long text on several lines is one line, cut.
        expect(lines[1]).toMatch(/^ {2}Apology: Line one for \{agent\} and more words .*…$/);
        expect(lines[1]?.length).toBeLessThanOrEqual('  Apology: '.length + 100);
        expect(lines).toHaveLength(3);
      },
      CLI_TEST_MS,
    );

    it.skipIf(!storageEnv)(
      'takes the text from stdin, and shows one reply whole',
      async () => {
        const team = uniqueTeamId();
        const fromStdin = await replies(team, ['add', '--name', 'Apology', '--text', '-'], `${long}\n`);
        expect(fromStdin.code, fromStdin.stderr).toBe(0);
        expect(fromStdin.stdout).toBe(
          `saved: “Apology” ({agent}); ${team} has 1 saved reply (at most 90).\n`,
        );
        const shown = await replies(team, ['list', '--name', 'apology']);
        expect(shown.code, shown.stderr).toBe(0);
        expect(shown.stdout).toMatch(/^“Apology”, saved by the CLI \d{4}-.+Z:\n/);
        expect(shown.stdout.endsWith(`${long.trim()}\n`)).toBe(true);
      },
      CLI_TEST_MS,
    );

    it.skipIf(!storageEnv)(
      'refuses a name that exists whatever its case, and replaces it only when asked',
      async () => {
        const team = uniqueTeamId();
        await seed(team, [['Running late', 'Hi {name}']]);
        const twice = await replies(team, ['add', '--name', 'RUNNING LATE', '--text', 'Other words']);
        expect(twice.code).toBe(1);
        expect(twice.stdout).toBe('');
        expect(twice.stderr).toMatch(
          /^error \[SAVED_REPLY_EXISTS\]: A saved reply named “Running late” already exists \(saved by the CLI \d{4}-[\d-]+T[\d:.]+Z\), so nothing was changed\. Give it another name, or replace its text with: orderstatus replies add --team T\w+ --name … --text … --replace\n$/,
        );
        const replaced = await replies(team, [
          'add',
          '--name',
          'running late',
          '--text',
          'Sorry, {name}.',
          '--replace',
        ]);
        expect(replaced.stdout).toBe(
          `replaced: “running late” ({name}); ${team} has 1 saved reply (at most 90).\n`,
        );
      },
      CLI_TEST_MS,
    );

    it.skipIf(!storageEnv)(
      'removes a reply whatever the case, once; the second time says there is none',
      async () => {
        const team = uniqueTeamId();
        await seed(team, [['running late', 'Hi {name}']]);
        const removed = await replies(team, ['remove', '--name', 'Running Late']);
        expect(removed.stdout).toBe('removed: “running late”; agents no longer see it in the Reply form.\n');
        const again = await replies(team, ['remove', '--name', 'Running late']);
        expect(again.code).toBe(1);
        expect(again.stderr).toBe(
          `error [SAVED_REPLY_NOT_FOUND]: There is no saved reply named “Running late”, so nothing was changed. It may have been removed or renamed. List the saved replies with: orderstatus replies list --team ${team}\n`,
        );
        const none = await replies(team, ['list']);
        expect(none.stdout).toBe(
          `${team} has no saved replies. Add one with: orderstatus replies add --team ${team} --name … --text …\n`,
        );
      },
      CLI_TEST_MS,
    );

    it.skipIf(!storageEnv)(
      'refuses past the workspace’s bound, saying so',
      async () => {
        const team = uniqueTeamId();
        // The places before the last: a process each would take minutes.
        await seed(
          team,
          Array.from({ length: SAVED_REPLIES_MAX - 1 }, (_, i): [string, string] => [`reply ${i + 1}`, 'x']),
        );
        const last = await replies(team, ['add', '--name', 'The last', '--text', 'x']);
        expect(last.stdout).toContain(`${team} has 90 saved replies (at most 90).`);
        const beyond = await replies(team, ['add', '--name', 'One more', '--text', 'x']);
        expect(beyond.code).toBe(1);
        expect(beyond.stderr).toBe(
          `error [SAVED_REPLIES_FULL]: Workspace ${team} keeps 90 saved replies, the most it may (agents pick them from one list in Slack), so nothing was changed. Remove one no longer used first with: orderstatus replies remove --team ${team} --name …\n`,
        );
      },
      CLI_TEST_MS,
    );
  },
);

/** Mistakes are answered before any storage is opened: exit 2, what is wrong, and how to write it. */
describe('orderstatus replies, typed wrong', () => {
  // A folder that cannot be made: a command that opened storage would fail otherwise than these say.
  const env = { DATA_DIR: '/dev/null/orderstatus' };
  const replies = (args: string[], stdin = '') => runCli(['replies', ...args], env, stdin);

  it('an unknown or misspelt placeholder, a lone brace: named, with the placeholders there are', async () => {
    const unknown = await replies(['add', '--team', 'T1', '--name', 'x', '--text', 'Hi {nme}!']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'error: --text: Unknown placeholder {nme}. The placeholders are {name} (the customer’s WhatsApp name), {order} (the order reference), {status} (the order’s status), {agent} (the name of the agent who sends it). Write {{ or }} for a literal brace.\n',
    );
    const brace = await replies(['add', '--team', 'T1', '--name', 'x', '--text', '-'], 'Smile :-}\n');
    expect(brace.stderr).toBe(
      'error: --text: The } at character 9 closes no placeholder. Write {{ or }} for a literal brace.\n',
    );
    const mustache = await replies(['add', '--team', 'T1', '--name', 'x', '--text', 'Hi {{name}}']);
    expect(mustache.stderr).toContain('{{name}} would send “{name}” to the customer as written');
  });

  it('a missing or overlong name, a missing text, half a name unquoted, a flag of another subcommand', async () => {
    const cases: Array<[string[], string]> = [
      [['add', '--team', 'T1', '--text', 'x'], 'error: --name is required (the reply’s name, in quotes)'],
      [
        ['add', '--team', 'T1', '--name', 'x'.repeat(76), '--text', 'x'],
        'error: --name: The name can be at most 75',
      ],
      [['add', '--team', 'T1', '--name', 'x'], 'error: --text is required (--text - reads it from stdin)'],
      [
        ['add', '--team', 'T1', '--name', 'Running', 'late', '--text', 'x'],
        'error: unexpected late: a value with spaces goes in quotes',
      ],
      [
        ['remove', '--team', 'T1', '--name', 'x', '--replace'],
        'error: --replace is not an option of replies remove',
      ],
      [['rename', '--team', 'T1'], 'error: unknown subcommand replies rename (there are add, remove, list)'],
      [['list'], 'error: --team is required'],
    ];
    for (const [args, said] of cases) {
      const run = await replies(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.startsWith(said), run.stderr).toBe(true);
      expect(run.stdout).toBe('');
    }
  });

  it('a subcommand named like a property every object has is unknown, on every command that has them', async () => {
    for (const [command, action] of [
      ['replies', 'constructor'],
      ['optout', 'toString'],
      ['credentials', '__proto__'],
    ]) {
      const run = await runCli([command ?? '', action ?? '', '--team', 'T1'], env);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(`error: unknown subcommand ${command} ${action} (there are `);
    }
  });
});
