import os from 'node:os';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openServices } from '../../src/services/open-services.ts';
import { BULK_CONFIRM_CALLBACK, BULK_FIELDS, BULK_MODAL_CALLBACK } from '../../src/slack/ids.ts';
import type { ServerProcess } from '../../test/support/server-process.ts';
import { signSlackRequest, slashCommandBody, viewSubmissionBody } from '../../test/support/slack-request.ts';
import { type BenchContext, sleep } from './context.ts';
import { SIGNING_SECRET } from './server.ts';

/** Driving `/orderstatus bulk` and one-liners into a bench server, as Slack does (for bulk.ts). */

export async function configure(env: Record<string, string>, team: string, businessNumber: string) {
  const config = loadConfig({ DATA_DIR: os.tmpdir(), ...env });
  const services = await openServices(config, createLogger({ level: 'warn' }), { migrate: true });
  try {
    await services.credentials.set(
      team,
      {
        sid: 'HXIN1234567890IN',
        apiKey: 'Abench000000000000000000000000003',
        pod: 'in',
        businessNumber,
        templateName: 'order_status',
        languageCode: 'en',
      },
      'bench',
    );
  } finally {
    await services.close();
  }
}

/** Uploads the file and submits the bulk modal; the job id the checked view offers. */
export async function checkFile(
  ctx: BenchContext,
  server: ServerProcess,
  team: string,
  prefix: string,
  count: number,
): Promise<string> {
  const rows = Array.from(
    { length: count },
    (_, i) => `+9198765${String(10000 + i).padStart(5, '0')},${prefix}${i},shipped,Left the warehouse`,
  );
  const fileId = await ctx.fakes.addFile(
    `phone,reference,status,description\n${rows.join('\n')}\n`,
    'bench.csv',
  );
  const viewId = `VBENCH${prefix.replace(/[^A-Z0-9]/g, '')}`;
  const body = viewSubmissionBody({
    teamId: team,
    userId: 'UBENCH',
    view: {
      id: viewId,
      callback_id: BULK_MODAL_CALLBACK,
      private_metadata: JSON.stringify({ channelId: 'CBENCH' }),
      state: {
        values: {
          [BULK_FIELDS.file.blockId]: {
            [BULK_FIELDS.file.actionId]: { type: 'file_input', files: [{ id: fileId, name: 'bench.csv' }] },
          },
        },
      },
    },
  });
  await post(server, body);
  const jobId = await ctx.fakes.checkedJob(viewId, 30_000);
  if (!jobId) throw new Error('the bulk file was not accepted');
  return jobId;
}

export function confirmBody(team: string, jobId: string): string {
  return viewSubmissionBody({
    teamId: team,
    userId: 'UBENCH',
    view: {
      callback_id: BULK_CONFIRM_CALLBACK,
      private_metadata: JSON.stringify({ jobId }),
      state: { values: {} },
    },
  });
}

export async function post(server: ServerProcess, body: string): Promise<number> {
  const response = await fetch(`${server.url}/slack/events`, {
    method: 'POST',
    headers: { ...signSlackRequest(SIGNING_SECRET, body) },
    body,
  });
  await response.text();
  return response.status;
}

/** One-liners at a steady rate (open loop) until stopped; their ack latencies. */
export function startOneLiners(
  ctx: BenchContext,
  server: ServerProcess,
  team: string,
  prefix: string,
  perSecond: number,
) {
  const latencies: number[] = [];
  let failed = 0;
  let stopped = false;
  const inFlight: Promise<void>[] = [];
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const body = slashCommandBody({
        text: `+919876543210 ${prefix}${i} shipped`,
        teamId: team,
        userId: 'UBENCH',
        channelId: 'CBENCH',
        responseUrl: ctx.fakes.responseUrl(`${prefix}${i}`),
      });
      const sent = performance.now();
      inFlight.push(
        post(server, body).then(
          (status) => {
            latencies.push(performance.now() - sent);
            if (status !== 200) failed += 1;
          },
          () => {
            failed += 1;
          },
        ),
      );
      await sleep(1000 / perSecond);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(inFlight);
      return { latencies, failed };
    },
  };
}
