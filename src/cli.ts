#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { isMain } from './is-main.ts';
import { COMPILE_CACHE_DIR } from './storage/embedded-template.ts';

if (isMain(import.meta.url)) {
  // Before the CLI's modules load (dynamically, below), so that they come from the cache too.
  enableCompileCache(COMPILE_CACHE_DIR);
  const { runCli } = await import('./cli/run-cli.ts');
  const io = {
    out: (line: string) => process.stdout.write(`${line}\n`),
    err: (line: string) => process.stderr.write(`${line}\n`),
    readStdin: () => readFileSync(0, 'utf8'),
  };
  // The server's modules load only for `serve`: every other command starts without them.
  const startServer = async (env: NodeJS.ProcessEnv) =>
    (await import('./server.ts')).startServer(env, { handleSignals: true });
  const code = await runCli(process.argv.slice(2), process.env, io, startServer);
  if (code !== undefined) process.exitCode = code;
}
