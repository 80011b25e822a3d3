import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles, src } from './source-files.ts';

/**
 * The design card's libraries used as designed: every call to Kaleyra goes through the one ky
 * instance (src/kaleyra/http.ts), and Keyv is used through its public API (no subclass of Keyv or of
 * a store adapter, no adapter internals replaced).
 */

// Comments dropped: they may name what the code must not do.
const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
const sources = listFiles(src).map((file) => ({
  name: `src/${path.relative(src, file).split(path.sep).join('/')}`,
  text: withoutComments(readFileSync(file, 'utf8')),
}));
const importsPackage = (text: string, pattern: RegExp) =>
  [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].some((m) =>
    pattern.test(m[1] ?? ''),
  );

describe('the card: the Kaleyra send through ky', () => {
  it('uses no fetch of its own in src/kaleyra (a `fetch` option handed on to ky is fine)', () => {
    // `fetch` as a value: not a property (`.fetch`, `fetch:`, `fetch?:`) and not a type (`typeof fetch`).
    const bare = /(?<![.\w]|typeof\s)fetch\b(?!\??:)|from\s+'(?:undici|node:https?)'/;
    const offenders = sources.filter((s) => s.name.startsWith('src/kaleyra/') && bare.test(s.text));
    expect(offenders.map((s) => s.name)).toEqual([]);
  });

  it('sends and lists templates through the shared exchange of src/kaleyra/http.ts', () => {
    for (const name of ['src/kaleyra/client.ts', 'src/kaleyra/templates-client.ts']) {
      const text = sources.find((s) => s.name === name)?.text ?? '';
      expect(text, name).toMatch(/import \{[^}]*\bexchange\b[^}]*\} from '\.\/http\.ts'/);
      expect(text, name).toMatch(/\bexchange\(/);
    }
  });

  it('makes one ky instance, in src/kaleyra/http.ts: never retried, HTTP errors read, no redirect followed', () => {
    const makers = sources.filter((s) => /\bky\.create\(/.test(s.text));
    expect(makers.map((s) => s.name)).toEqual(['src/kaleyra/http.ts']);
    const create = /\bky\.create\(\{([\s\S]*?)\}\);/.exec(makers[0]?.text ?? '')?.[1] ?? '';
    expect(create).toMatch(/\bretry:\s*0\b/);
    expect(create).toMatch(/\bthrowHttpErrors:\s*false\b/);
    expect(create).toMatch(/\bredirect:\s*'manual'/);
    expect(create).toMatch(/\btimeout:/);
  });

  it('uses ky only in src/kaleyra', () => {
    const users = sources.filter((s) => importsPackage(s.text, /^ky$/)).map((s) => s.name);
    expect(users.filter((name) => !name.startsWith('src/kaleyra/'))).toEqual([]);
  });
});

describe('the card: Keyv through its public API', () => {
  it('subclasses neither Keyv nor a store adapter, and replaces no adapter internals', () => {
    const keyvUsers = sources.filter((s) => importsPackage(s.text, /^(?:keyv|@keyv\/.+)$/));
    expect(keyvUsers.length).toBeGreaterThan(0);
    const internals =
      /\bextends\s+\w*Keyv\w*|\boverride\s+(?:async\s+)?(?:connect|disconnect|query)\b|\.(?:query|connect)\s*=(?!=)/;
    expect(keyvUsers.filter((s) => internals.test(s.text)).map((s) => s.name)).toEqual([]);
    expect(
      sources.filter((s) => /\bextends\s+(?:Keyv|KeyvPostgres)\b/.test(s.text)).map((s) => s.name),
    ).toEqual([]);
  });
});
