/**
 * `npm run fake-kaleyra`: the tests' Kaleyra stand-in on a local port, so a real Slack workspace can
 * drive the app before Kaleyra credentials exist (KALEYRA_BASE_URL=http://127.0.0.1:<port>). Prints
 * each request it receives (the API key left out) and its answer: 202 WA202 with a fresh message_id for
 * a send, Kaleyra's RBC001 without an api-key header, WA400 for a payload that is not the
 * documented body, and one approved utility template for Get Templates.
 */
import {
  acceptedWithFreshId,
  type CannedKaleyraResponse,
  type RecordedKaleyraRequest,
  startFakeKaleyra,
} from '../test/support/fake-kaleyra.ts';

const DEFAULT_PORT = 4010;

const portText = process.env.PORT ?? String(DEFAULT_PORT);
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65535) {
  process.stderr.write(`fake-kaleyra: PORT must be a number between 0 and 65535, not ${portText}\n`);
  process.exit(2);
}

// Meta's template object as Kaleyra's Get Templates passes it on (PRODUCT.md: name, language, status, category).
const TEMPLATES = {
  status: 200,
  body: JSON.stringify({
    code: 'WA200',
    data: [{ name: 'order_status', language: 'en', status: 'APPROVED', category: 'UTILITY', components: [] }],
  }),
};

async function answer(request: RecordedKaleyraRequest): Promise<CannedKaleyraResponse> {
  if (request.method === 'GET' && request.path.endsWith('/message_templates')) return TEMPLATES;
  return acceptedWithFreshId();
}

const masked = (key: unknown) =>
  typeof key === 'string' ? `${key.slice(0, 4)}…(${key.length} characters)` : '(none)';

function print(request: RecordedKaleyraRequest, canned: CannedKaleyraResponse): void {
  const lines = [
    `${new Date().toISOString()}  ${request.method} ${request.path}`,
    `  api-key: ${masked(request.headers['api-key'])}`,
  ];
  if (request.rawBody) {
    const body = request.body === undefined ? request.rawBody : JSON.stringify(request.body, null, 2);
    lines.push(...body.split('\n').map((line) => `  ${line}`));
  }
  if ('status' in canned) {
    const parsed = JSON.parse(canned.body ?? '{}') as { code?: string; data?: { message_id?: string } };
    const id = parsed.data?.message_id ? ` message_id ${parsed.data.message_id}` : '';
    lines.push(`  → ${canned.status} ${parsed.code ?? ''}${id}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

// The fake itself refuses what Kaleyra refuses (RBC001, WA400) before `answer` is asked; both are printed.
const kaleyra = await startFakeKaleyra({ port, onAnswer: print });
kaleyra.respondWith(answer);
process.stdout.write(
  `A stand-in Kaleyra listens on ${kaleyra.url} (not the real one: nothing reaches WhatsApp).\n` +
    `Point the app at it with KALEYRA_BASE_URL=${kaleyra.url} (any SID, API key and pod will do). Ctrl-C stops it.\n\n`,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void kaleyra.close().then(() => process.exit(0));
  });
}
