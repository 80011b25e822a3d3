/**
 * `npm run demo`: the whole Slack flow offline. Stores demo credentials with the real CLI (which creates
 * the embedded database in a temp folder), starts the real server on it with local stand-ins for Slack
 * and Kaleyra, then plays a one-liner, a modal open + submission, a failing send, a duplicate, then
 * Kaleyra's status callbacks (Delivered, Read, a failure with 131026) and the order's history, printing
 * what the agent would read.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEND_FIELDS, SEND_MODAL_CALLBACK } from '../src/slack/ids.ts';
import { COMPILE_CACHE_DIR } from '../src/storage/embedded-template.ts';
import { acceptedWithFreshId, KALEYRA_RESPONSES, startFakeKaleyra } from '../test/support/fake-kaleyra.ts';
import { type FakeSlack, startFakeSlack } from '../test/support/fake-slack.ts';
import { postToApp, slashCommandBody, viewState, viewSubmissionBody } from '../test/support/slack-request.ts';
import { showConversation } from './demo-conversation.ts';
import { setUpCallbacks, showDelivery } from './demo-delivery.ts';
import { bold, dim, renderMrkdwn } from './demo-render.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIGNING_SECRET = 'demo-signing-secret';
const TEAM = 'TDEMO0001';

function heading(title: string) {
  process.stdout.write(`\n${bold(`━━ ${title} ━━`)}\n`);
}

/** Block Kit as the agent reads it, roughly: section and context texts, buttons in brackets. */
function renderBlocks(message: unknown): string {
  const { blocks, text } = (message ?? {}) as { blocks?: Array<Record<string, unknown>>; text?: string };
  if (!Array.isArray(blocks) || blocks.length === 0) return `  ${renderMrkdwn(text ?? '')}`;
  const lines: string[] = [];
  for (const block of blocks) {
    const t = block.text as { text?: string } | undefined;
    if (t?.text) lines.push(renderMrkdwn(t.text));
    if (Array.isArray(block.elements)) {
      for (const element of block.elements as Array<Record<string, unknown>>) {
        if (typeof element.text === 'string') lines.push(dim(renderMrkdwn(element.text)));
        else if (element.type === 'button') lines.push(`[ ${(element.text as { text: string }).text} ]`);
      }
    }
  }
  return lines.map((line) => `  ${line.replace(/\n/g, '\n  ')}`).join('\n');
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stdin: string,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(stdin);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

async function waitForHealth(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error('the server exited during start-up');
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server did not become healthy within 60 s');
}

async function main() {
  const slack = await startFakeSlack();
  const kaleyra = await startFakeKaleyra();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-demo-'));
  const port = 3900 + Math.floor(Math.random() * 90);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-demo-token',
    SLACK_API_URL: slack.url,
    KALEYRA_BASE_URL: kaleyra.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    // Their TypeScript entry points come from the compile cache too: no type stripper loaded (~20 MB each).
    NODE_COMPILE_CACHE: COMPILE_CACHE_DIR,
  };
  const url = `http://127.0.0.1:${port}`;
  const node = process.execPath;

  // The CLI first, on the new folder (it creates the embedded database), then the server on it: they
  // never run at once, which keeps the demo's memory down (a CLI beside a running server works too,
  // through the server's socket: docs/cli.md).
  heading('An admin stores the workspace’s Kaleyra credentials (CLI; it creates the embedded database)');
  const cli = await run(
    node,
    [
      'src/cli.ts',
      'credentials',
      'set',
      '--team',
      TEAM,
      '--sid',
      'HXIN1234567890IN',
      '--api-key',
      '-',
      '--pod',
      'in',
      '--business-number',
      '+919876500000',
    ],
    env,
    'Ademo0000000000000000000000000003\n', // on stdin: a key never goes on a command line
  );
  process.stdout.write(`${cli.out.trimEnd().replace(/^/gm, '  ')}\n`);
  if (cli.code !== 0) throw new Error('storing the demo credentials failed');
  const say = (line: string) => process.stdout.write(`${line.replace(/^/gm, '  ')}\n`);
  heading('…and sets up Kaleyra’s status callbacks (CLI; Slack’s settings modal has a button too)');
  const cliOut = async (args: string[]) => (await run(node, ['src/cli.ts', ...args], env, '')).out;
  const login = await setUpCallbacks(cliOut, TEAM, say);

  heading('Starting the server (embedded database, stand-ins for Slack and Kaleyra)');
  const started = Date.now();
  const server = spawn(node, ['src/server.ts'], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  // Whatever ends the demo (a crash, `npm run demo | head` closing the pipe), the server goes with it.
  process.once('exit', () => server.kill('SIGKILL'));
  try {
    await waitForHealth(url, server);
    process.stdout.write(`  server ready on ${url} in ${Date.now() - started} ms; data in ${dataDir}\n`);

    const command = (text: string, id: string) =>
      postToApp(
        url,
        slashCommandBody({
          text,
          teamId: TEAM,
          userId: 'UAGENT01',
          channelId: 'CORDERS1',
          responseUrl: slack.responseUrl(id),
        }),
        { signingSecret: SIGNING_SECRET },
      );
    // What only the agent sees comes through the command's response_url; outcomes for everyone are
    // posted in the channel (so the app can edit them as WhatsApp reports delivery).
    const postedTo = (id: string, reference?: string) =>
      slack.waitFor(
        (s) =>
          s.responseUrlPosts.find((p) => p.path.endsWith(`/${id}`)) ??
          (reference ? channelPostNaming(s, reference) : undefined),
        20_000,
      );

    heading('1. One-liner: /orderstatus +919876543210 395001 shipped Your parcel left our warehouse');
    const t1 = Date.now();
    const ack = await command('+919876543210 395001 shipped Your parcel left our warehouse', 'one-liner');
    process.stdout.write(`  ack: HTTP ${ack.status} in ${Date.now() - t1} ms (only the agent sees it):\n`);
    process.stdout.write(`${renderBlocks(ack.json)}\n`);
    const outcome = await postedTo('one-liner', '395001');
    process.stdout.write(`  ${bold('#orders channel')} (${Date.now() - t1} ms after the command):\n`);
    process.stdout.write(`${renderBlocks(outcome.body)}\n`);
    process.stdout.write(`  ${bold('Kaleyra received')}: POST ${kaleyra.requests[0]?.path}\n`);
    process.stdout.write(`${JSON.stringify(kaleyra.requests[0]?.body, null, 2).replace(/^/gm, '    ')}\n`);

    heading('2. Guided: /orderstatus +919876543210 (incomplete, so the modal opens prefilled)');
    await command('+919876543210', 'modal');
    const open = await slack.waitFor((s) => s.callsTo('views.open')[0], 10_000);
    const view = open.body.view as { title: { text: string }; private_metadata: string; blocks: unknown[] };
    process.stdout.write(`  views.open → modal “${view.title.text}” with ${view.blocks.length} blocks\n`);
    process.stdout.write('  the agent picks “Partially shipped”, adds a description, and submits\n');
    const state = viewState(SEND_FIELDS, {
      to: '+919876543210',
      referenceId: '395002',
      status: 'partially_shipped',
      description: '2 of 3 boxes are on the way',
    });
    const submitted = await postToApp(
      url,
      viewSubmissionBody({
        teamId: TEAM,
        userId: 'UAGENT01',
        view: {
          callback_id: SEND_MODAL_CALLBACK,
          private_metadata: view.private_metadata,
          state: { values: state },
        },
      }),
      { signingSecret: SIGNING_SECRET },
    );
    process.stdout.write(`  submission ack: HTTP ${submitted.status} (modal closes)\n`);
    const modalOutcome = await postedTo('modal', '395002');
    process.stdout.write(`  ${bold('#orders channel')}:\n${renderBlocks(modalOutcome.body)}\n`);

    heading('3. A failing send: Kaleyra answers RBC001 (wrong SID or API key)');
    kaleyra.respondWith({ status: KALEYRA_RESPONSES.rbc001.status, body: KALEYRA_RESPONSES.rbc001.body });
    await command('+919876543210 395003 canceled', 'failure');
    const failure = await postedTo('failure', '395003');
    process.stdout.write(`  ${bold('#orders channel')}:\n${renderBlocks(failure.body)}\n`);

    heading('4. The same update again: the duplicate guard stops it');
    kaleyra.respondWith({ status: KALEYRA_RESPONSES.wa202.status, body: KALEYRA_RESPONSES.wa202.body });
    const before = kaleyra.requests.length;
    await command('+919876543210 395001 shipped Your parcel left our warehouse', 'duplicate');
    const duplicate = await postedTo('duplicate');
    process.stdout.write(`  ${bold('only the agent sees')}:\n${renderBlocks(duplicate.body)}\n`);
    process.stdout.write(`  Kaleyra requests for it: ${kaleyra.requests.length - before}\n`);

    kaleyra.respondWith(() => acceptedWithFreshId());
    const io = {
      heading,
      say,
      render: renderBlocks,
      oneLiner: async (text: string, reference: string) => {
        await command(text, `demo-${reference}`);
        return slack.waitFor((s) => channelPostNaming(s, reference), 20_000);
      },
      ask: async (text: string) => {
        await command(text, 'asked');
        return (await postedTo('asked')).body;
      },
    };
    await showDelivery(url, slack, TEAM, login, io);

    heading('8. A new order goes out: its message in #orders is where the conversation happens');
    const order = await io.oneLiner('+919876543210 395020 shipped Out for delivery today', '395020');
    say(renderBlocks(order.body));
    await showConversation(
      { url, slack, kaleyra, team: TEAM, login, signingSecret: SIGNING_SECRET, order },
      io,
    );

    heading('Done');
    process.stdout.write(
      `  Kaleyra received ${kaleyra.requests.length} sends; Slack received ${slack.calls.length} Web API calls (posts, edits, thread replies) and ${slack.responseUrlPosts.length} response_url posts.\n`,
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('close', resolve));
    await Promise.all([slack.close(), kaleyra.close()]);
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

/** The outcome the app posted in the channel for order `reference` (not a thread reply). */
function channelPostNaming(slack: FakeSlack, reference: string) {
  return slack
    .callsTo('chat.postMessage')
    .find(
      (call) =>
        call.body.thread_ts === undefined &&
        (call.response as { ok?: boolean } | undefined)?.ok === true &&
        JSON.stringify(call.body).includes(`\`${reference}\``),
    );
}
