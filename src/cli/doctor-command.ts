import type { CliCommand, Env, Io } from './command.ts';
import { DOCTOR_CHECKS, type DoctorCheck, type DoctorContext, type Finding } from './doctor-checks.ts';

const LABEL: Record<Finding['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/**
 * `orderstatus doctor`: runs every check (doctor-checks.ts) and prints one line per finding, with the
 * fix under each problem; exit 1 when something must be fixed, 0 otherwise (warnings included).
 */
export const doctorCommand: CliCommand = {
  flags: [],
  run: (_values, _action, io, env) => runDoctor(DOCTOR_CHECKS, io, env),
};

export async function runDoctor(checks: readonly DoctorCheck[], io: Io, env: Env): Promise<number> {
  const context: DoctorContext = { env };
  const findings: Finding[] = [];
  try {
    for (const check of checks) {
      const found = await runCheck(check, context);
      for (const finding of found) print(io, finding);
      findings.push(...found);
    }
  } finally {
    await context.services?.close();
  }
  const failed = findings.filter((f) => f.status === 'fail').length;
  const warned = findings.filter((f) => f.status === 'warn').length;
  io.out(
    failed > 0
      ? `${failed} problem${failed === 1 ? '' : 's'} to fix${warned > 0 ? `, ${warned} to look at` : ''}.`
      : `Nothing to fix${warned > 0 ? `; ${warned} thing${warned === 1 ? '' : 's'} to look at` : ''}.`,
  );
  return failed > 0 ? 1 : 0;
}

/** A check's findings; one line saying why when it cannot run or fails itself. */
async function runCheck(check: DoctorCheck, context: DoctorContext): Promise<Finding[]> {
  const { subject, needs } = check;
  if ((needs === 'config' && !context.config) || (needs === 'services' && !context.services)) {
    const what = needs === 'config' ? 'configuration' : 'database';
    return [{ status: 'warn', subject, text: `not checked: it needs a working ${what}` }];
  }
  try {
    return await check.run(context);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [{ status: 'fail', subject, text: `the check itself failed: ${reason}` }];
  }
}

function print(io: Io, finding: Finding): void {
  io.out(`${LABEL[finding.status]}  ${finding.subject}: ${finding.text}`);
  if (finding.fix) io.out(`      fix: ${finding.fix}`);
}
