#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { runCli } from './cli/run-cli.ts';
import { isMain } from './is-main.ts';

if (isMain(import.meta.url)) {
  const io = {
    out: (line: string) => process.stdout.write(`${line}\n`),
    err: (line: string) => process.stderr.write(`${line}\n`),
    readStdin: () => readFileSync(0, 'utf8'),
    progress: { isTTY: process.stderr.isTTY === true, write: (text: string) => process.stderr.write(text) },
    onInterrupt: (handler: () => void) => {
      process.once('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
  // The server's modules load only for `serve`: every other command starts without them.
  const startServer = async (env: NodeJS.ProcessEnv) =>
    (await import('./server.ts')).startServer(env, { handleSignals: true });
  const code = await runCli(process.argv.slice(2), process.env, io, startServer);
  if (code !== undefined) process.exitCode = code;
}
