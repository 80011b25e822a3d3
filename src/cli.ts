#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { runCli } from './cli/run-cli.ts';
import { isMain } from './is-main.ts';

if (isMain(import.meta.url)) {
  const code = await runCli(process.argv.slice(2), process.env, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readStdin: () => readFileSync(0, 'utf8'),
  });
  if (code !== undefined) process.exitCode = code;
}
