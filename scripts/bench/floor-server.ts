/**
 * The floor: a framework-free server doing only the work orderstatus's guarantees make unavoidable for
 * one slash command, so the bench can show the app's throughput, CPU per command and ack latency as
 * ratios to it. Per command: verify the Slack signature, ack, one statement that claims the update and
 * journals the attempt, POST to Kaleyra, one statement that records the outcome, POST the outcome to
 * the response_url. Nothing else: no Bolt, no logging, no rate budget, no credentials lookup (the
 * account comes from the environment), no retries. Never part of the product; run by the bench only.
 *
 * Env: PORT, SLACK_SIGNING_SECRET, DATABASE_URL (migrated), KALEYRA_BASE_URL, FLOOR_SID, FLOOR_API_KEY,
 * FLOOR_BUSINESS_NUMBER, FLOOR_TEAM.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { parse } from 'node:querystring';
import pg from 'pg';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const secret = env('SLACK_SIGNING_SECRET');
const kaleyraUrl = `${env('KALEYRA_BASE_URL')}/v2/${env('FLOOR_SID')}/whatsapp/${env('FLOOR_BUSINESS_NUMBER')}/messages`;
const apiKey = env('FLOOR_API_KEY');
const team = env('FLOOR_TEAM');
const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 10 });
pool.on('error', () => undefined);

const CLAIM_AND_JOURNAL = `WITH claim AS (
    INSERT INTO send_claims (dedupe_key, attempt_id, claimed_at) VALUES ($1, $2, now())
    ON CONFLICT (dedupe_key) DO NOTHING RETURNING attempt_id)
  INSERT INTO send_journal (id, workspace_id, actor, channel_id, source, customer_masked, reference_id, status,
    template_name, language_code, outcome)
  SELECT $2, $3, $4, $5, 'slack', $6, $7, $8, 'order_status', 'en', 'in_flight' FROM claim RETURNING id`;
const RECORD = `UPDATE send_journal SET outcome = 'sent', message_id = $2, completed_at = now() WHERE id = $1`;

function verified(req: IncomingMessage, body: string): boolean {
  const timestamp = String(req.headers['x-slack-request-timestamp'] ?? '');
  const signature = String(req.headers['x-slack-signature'] ?? '');
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300 || !signature.startsWith('v0=')) return false;
  const expected = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function send(fields: Record<string, string | string[] | undefined>): Promise<void> {
  const [to = '', reference = '', status = ''] = String(fields.text ?? '').split(/\s+/);
  const attemptId = randomUUID();
  const key = createHmac('sha256', secret)
    .update(`${team}\n${to}\n${reference}\n${status}`)
    .digest('base64url');
  const masked = `${to.slice(0, 3)} •••• ${to.slice(-4)}`;
  const claimed = await pool.query(CLAIM_AND_JOURNAL, [
    key,
    attemptId,
    team,
    fields.user_id,
    fields.channel_id,
    masked,
    reference,
    status,
  ]);
  if (claimed.rowCount !== 1) return;
  const payload = {
    messaging_object: {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'template',
      template: {
        name: 'order_status',
        language: { policy: 'deterministic', code: 'en' },
        components: [
          {
            type: 'order_status',
            parameters: [
              { type: 'order_status', order_status: { reference_id: reference, order: { status } } },
            ],
          },
        ],
      },
    },
    extra_info: { ref: team, ref1: fields.user_id, ref2: attemptId, wa_source: 'api' },
  };
  const answer = await fetch(kaleyraUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'api-key': apiKey },
    body: JSON.stringify(payload),
  });
  const messageId = ((await answer.json()) as { data?: { message_id?: string } }).data?.message_id ?? '';
  await pool.query(RECORD, [attemptId, messageId]);
  await fetch(String(fields.response_url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      response_type: 'in_channel',
      text: `sent ${reference} (message_id ${messageId})`,
    }),
  });
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return void res.writeHead(200).end('{"status":"ok"}');
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    if (!verified(req, body)) return void res.writeHead(401).end();
    const fields = parse(body);
    // The ack tells the member what is being sent (the bench counts an ack without "Sending" as failed).
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ response_type: 'ephemeral', text: `Sending ${String(fields.text ?? '')}…` }));
    send(fields).catch((error: unknown) => process.stderr.write(`floor: ${String(error)}\n`));
  });
});
server.listen(Number(process.env.PORT ?? 3000));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
