#!/usr/bin/env node
// First: says which Node to use before anything that needs Node 24 loads.
import './require-node.ts';
import { readFileSync } from 'node:fs';
// The default export: a named import of a Node 24 API would fail to link on an older Node.
import module from 'node:module';
import { isMain } from './is-main.ts';
import { COMPILE_CACHE_DIR } from './storage/embedded-template.ts';

if (isMain(import.meta.url)) {
  // Before the CLI's modules load (dynamically, below), so that they come from the cache too.
  module.enableCompileCache(COMPILE_CACHE_DIR);
  const { runCli } = await import('./cli/run-cli.ts');
  // `orderstatus doctor | head`: the reader left, which is no failure of ours (Node would throw EPIPE).
  // The command still finishes (and closes the database) as if its output had been read.
  const gone = new Set<NodeJS.WritableStream>();
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      gone.add(stream);
    });
  }
  const write = (stream: NodeJS.WriteStream, line: string) => {
    if (!gone.has(stream)) stream.write(`${line}\n`);
  };
  const io = {
    out: (line: string) => write(process.stdout, line),
    err: (line: string) => write(process.stderr, line),
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
