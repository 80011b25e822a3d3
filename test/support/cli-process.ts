import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');

export type CliRun = { code: number | null; stdout: string; stderr: string };

/** `node src/cli.ts <args>` as its own process, with only PATH and `env`, `stdin` written and closed. */
export function runCliProcess(args: string[], env: Record<string, string>, stdin = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/cli.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** `credentials set` for `team` with the tests' account (Indian pod unless `pod`); the API key comes on stdin (`-`). */
export function credentialsSetArgs(team: string, pod = 'in'): string[] {
  return [
    'credentials',
    'set',
    '--team',
    team,
    '--sid',
    'HXIN1234567890IN',
    '--api-key',
    '-',
    '--pod',
    pod,
    '--business-number',
    '+919876500000',
  ];
}

/** The CLI's two stores for describe.each: its environment on each (undefined: Postgres is absent). */
export function cliStorageModes(
  pgUrl: string | undefined,
  encryptionKey: string,
): Array<[string, ((dataDir: string) => Record<string, string>) | undefined]> {
  return [
    ['embedded store', (dataDir) => ({ DATA_DIR: dataDir })],
    [
      'Postgres',
      pgUrl
        ? (dataDir) => ({ DATA_DIR: dataDir, DATABASE_URL: pgUrl, ENCRYPTION_KEY: encryptionKey })
        : undefined,
    ],
  ];
}
