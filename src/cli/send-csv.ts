import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describeError } from '../describe/describe-error.ts';
import {
  BULK_FILE_PROBLEMS,
  BULK_LIMITS,
  type BulkPlan,
  readBulkCsv,
  readDefaultDescription,
} from '../domain/bulk-csv.ts';
import {
  type BulkOutcome,
  type BulkResultLine,
  buildPlanCsv,
  buildResultCsv,
} from '../domain/bulk-result.ts';
import { maskPhoneNumber } from '../domain/mask-phone.ts';
import { ORDER_STATUSES, type OrderStatusRequest } from '../domain/order-status.ts';
import { NotConfiguredError } from '../errors/not-configured-error.ts';
import { ValidationError } from '../errors/validation-error.ts';
import {
  forEachConcurrently,
  type PauseJob,
  pauseCauseOf,
  sendBulkRow,
  TRY_AGAIN,
} from '../services/bulk-rows.ts';
import { BULK_DEFAULTS } from '../services/bulk-worker.ts';
import { cliSurface } from './cli-surface.ts';
import type { CliWork, Io } from './command.ts';
import type { CliOptions } from './usage.ts';

/** Bad rows printed before the rest are only counted (a terminal scrolls, but not forever). */
const ISSUES_PRINTED = 100;
/** Without a terminal (a log, a pipe), one plain progress line this often. */
const PLAIN_PROGRESS_MS = 5_000;
const BAR_PROGRESS_MS = 200;

type Tally = Record<BulkOutcome, number>;

/**
 * `orderstatus send --team T --csv FILE [--description D] [--dry-run]`: every row checked first (a bad
 * file exits 2 and sends nothing), then each row sent through the one send path (duplicate guard,
 * journal, shared rate limit), a few at a time so other senders keep their turn. Progress on stderr,
 * the result file on stdout. Exit 0 when every row was accepted or had already been sent, 1 otherwise.
 */
export function prepareCsvSend(team: string, values: CliOptions, io: Io): CliWork {
  const file = values.csv ?? '';
  const description = readDefaultDescription(values.description);
  if (!description.ok) throw new ValidationError({ '--description': description.issue });
  const plan = readBulkCsv(readCsvFile(file), { defaultDescription: description.value });
  if (!plan.ok) throw new ValidationError(fileIssues(path.basename(file), plan));
  if (values['dry-run']) return dryRun(team, plan, io);
  return async (services) => {
    const surface = cliSurface({ team, sends: true });
    const tell = (error: unknown, prefix = 'error') => {
      const described = describeError(error, surface);
      io.err(`${prefix} [${described.code}]: ${described.summary} ${described.nextStep}`);
    };
    const credentials = await services.credentials.get(team);
    if (!credentials) {
      tell(new NotConfiguredError(team));
      return 1;
    }
    // A stopped template or a flagged number: the job does not start at all.
    const start = await services.guard.checkBulkStart(team, credentials);
    if (!start.ok) {
      tell(start.error);
      return 1;
    }
    const codeOf = (error: unknown) => describeError(error, surface).code;
    const results: BulkResultLine[] = plan.rows.map(({ line, request }) => ({
      line,
      reference: request.referenceId,
      status: request.status,
      outcome: 'canceled',
      messageId: null,
      code: null,
    }));
    const tally: Tally = { sent: 0, already_sent: 0, failed: 0, unknown: 0, canceled: 0 };
    const progress = startProgress(io, plan.rows.length, tally);
    let interrupted = false;
    let paused: PauseJob | undefined;
    let pausedRequest: OrderStatusRequest | undefined;
    const { rows } = plan;
    const stopListening = io.onInterrupt?.(() => {
      interrupted = true;
      io.err('\nstopping: the updates being sent finish, nothing else is sent');
    });
    try {
      await forEachConcurrently(plan.rows, BULK_DEFAULTS.concurrency, async (row, i) => {
        if (interrupted || paused) return;
        const sent = await sendBulkRow(
          services.orderStatus,
          { workspaceId: team, request: row.request, actor: { kind: 'cli' } },
          codeOf,
        );
        if (typeof sent === 'object' && 'pause' in sent) {
          if (!paused) tell(sent.error, '\nstopping');
          pausedRequest ??= row.request;
          paused ??= sent;
          return;
        }
        const result =
          sent === TRY_AGAIN ? { outcome: 'failed' as const, code: 'STORAGE_UNAVAILABLE' } : sent;
        results[i] = {
          ...(results[i] as BulkResultLine),
          outcome: result.outcome,
          messageId: result.messageId ?? null,
          code: result.code ?? null,
        };
        tally[result.outcome] += 1;
      });
    } finally {
      stopListening?.();
      // Rows a pause kept back say why they were not sent.
      for (const r of results) if (r.outcome === 'canceled' && paused) r.code = paused.error.code;
      tally.canceled = results.filter((r) => r.outcome === 'canceled').length;
      progress.stop();
    }
    const kept = paused && !interrupted ? await keep(paused) : undefined;
    if (kept) for (const r of results) if (r.outcome === 'canceled') r.outcome = 'pending';
    io.out(buildResultCsv(results).trimEnd());
    io.err(summaryOf(plan.rows.length, kept ? { ...tally, canceled: 0 } : tally));
    if (paused && kept) {
      io.err(
        `${tally.canceled} not sent yet (${paused.error.code}): kept as bulk job ${kept}. They go out by themselves, each once, as soon as ${paused.pause === 'number_flagged' ? 'Meta unflags the number or an admin resumes bulk sends (orderstatus quality resume)' : 'Meta reinstates the template or an admin makes a template Meta has not stopped the default (orderstatus credentials set … --template NAME)'}: a running orderstatus server sends them and posts the job's progress in Slack, with a Cancel button.`,
      );
    } else if (paused) {
      io.err(
        `${tally.canceled} not sent (${paused.error.code}): run the same file again once that is lifted; the duplicate guard skips every update that went.`,
      );
    }
    return tally.sent + tally.already_sent === plan.rows.length ? 0 : 1;

    /** The rows not sent, handed to the servers as a paused job; undefined when that failed. */
    async function keep(cause: PauseJob): Promise<string | undefined> {
      try {
        return await services.bulkPauses.handOver({
          workspaceId: team,
          fileName: path.basename(file),
          cause: pauseCauseOf(pausedRequest, cause),
          rows: rows.map((row, i) => {
            const result = results[i];
            if (!result || result.outcome === 'canceled' || result.outcome === 'pending') return row;
            const { outcome, messageId, code } = result;
            return {
              ...row,
              result: { outcome, messageId: messageId ?? undefined, code: code ?? undefined },
            };
          }),
        });
      } catch (error) {
        tell(error, 'warning: the updates not sent could not be kept for later');
        return undefined;
      }
    }
  };
}

/** The file's text; a file too large or not UTF-8 is refused before anything else is read. */
function readCsvFile(file: string): string {
  const name = path.basename(file);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new ValidationError({ '--csv': `${file}: no such file` });
  }
  if (size > BULK_LIMITS.bytes) {
    throw new ValidationError({ [name]: BULK_FILE_PROBLEMS.tooLarge });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
  } catch {
    throw new ValidationError({ [name]: BULK_FILE_PROBLEMS.notUtf8 });
  }
}

/** Each bad cell as `line 3, phone: …` (a whole line as `line 4: …`), the first ISSUES_PRINTED of them. */
function fileIssues(name: string, plan: Extract<BulkPlan, { ok: false }>): Record<string, string> {
  if (plan.fileProblem) return { [name]: `${plan.fileProblem} Nothing was sent.` };
  const issues: Record<string, string> = {};
  for (const issue of plan.issues.slice(0, ISSUES_PRINTED)) {
    const where = issue.column === '*' ? `line ${issue.line}` : `line ${issue.line}, ${issue.column}`;
    issues[where] = issues[where] ? `${issues[where]} ${issue.message}` : issue.message;
  }
  const more = plan.issues.length - ISSUES_PRINTED;
  issues[name] =
    `${plan.issues.length} problem${plan.issues.length === 1 ? '' : 's'}${more > 0 ? ` (${more} more not shown)` : ''}: nothing was sent. Correct the file and run the command again.`;
  return issues;
}

/** What would be sent, one line per row (numbers masked), and the totals; nothing is sent. */
function dryRun(team: string, plan: Extract<BulkPlan, { ok: true }>, io: Io): CliWork {
  return async (services) => {
    const listing = plan.rows.map(({ line, request }) => ({
      line,
      customer: maskPhoneNumber(request.to),
      reference: request.referenceId,
      status: request.status,
      description: request.description ?? '',
    }));
    io.out(buildPlanCsv(listing).trimEnd());
    const statuses = ORDER_STATUSES.filter((s) => plan.byStatus[s] > 0).map(
      (s) => `${s} ${plan.byStatus[s]}`,
    );
    io.err(
      `dry run: ${plan.rows.length} update${plan.rows.length === 1 ? '' : 's'} to ${plan.customers} distinct customer${plan.customers === 1 ? '' : 's'} (${statuses.join(', ')}); nothing was sent`,
    );
    if (!(await services.credentials.get(team))) {
      io.err(`note: ${team} has no Kaleyra credentials yet, so a real run would send nothing`);
    }
    return 0;
  };
}

function summaryOf(total: number, tally: Tally): string {
  const parts = [
    `${tally.sent} / ${total} sent`,
    `${tally.failed} failed`,
    `${tally.already_sent} already sent`,
  ];
  if (tally.unknown > 0)
    parts.push(`${tally.unknown} unknown (may have reached the customer: check before resending)`);
  if (tally.canceled > 0) parts.push(`${tally.canceled} not sent (stopped)`);
  return parts.join(' · ');
}

/** A bar redrawn in place on a terminal; a plain line every few seconds otherwise. */
function startProgress(io: Io, total: number, tally: Tally): { stop(): void } {
  const tty = io.progress?.isTTY === true;
  const write = io.progress?.write ?? ((text: string) => io.err(text.trimEnd()));
  const done = () => tally.sent + tally.already_sent + tally.failed + tally.unknown;
  const draw = () => {
    const width = 24;
    const filled = Math.round((done() / total) * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    const line = `[${bar}] ${done()}/${total} · ${summaryOf(total, { ...tally, canceled: 0 })}`;
    write(tty ? `\r${line}\u001b[K` : `${line}\n`);
  };
  const timer = setInterval(draw, tty ? BAR_PROGRESS_MS : PLAIN_PROGRESS_MS);
  return {
    stop() {
      clearInterval(timer);
      if (tty) write(`\r\u001b[K`);
    },
  };
}
