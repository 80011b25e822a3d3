import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles, src } from './source-files.ts';

/**
 * The layering docs/architecture.md describes, kept true: a module imports only from its own layer group or
 * from lower layers, sibling groups of one layer never import each other, and no file imports itself
 * back through a cycle. Type-only imports count too: a type is a dependency as much as a value.
 */
const LAYERS: ReadonlyArray<{ rank: number; groups: Record<string, readonly string[]> }> = [
  {
    rank: 0,
    groups: {
      core: [
        'domain/',
        'errors/',
        'logger.ts',
        'metrics.ts',
        'config.ts',
        'config-env.ts',
        'is-main.ts',
        'require-node.ts',
        'within.ts',
      ],
    },
  },
  { rank: 1, groups: { kaleyra: ['kaleyra/'], storage: ['storage/'], http: ['http/'] } },
  { rank: 2, groups: { services: ['services/'] } },
  { rank: 3, groups: { describe: ['describe/'] } },
  { rank: 4, groups: { slack: ['slack/'], cli: ['cli/'], callbacks: ['callbacks/'] } },
  { rank: 5, groups: { app: ['app.ts'] } },
  { rank: 6, groups: { entry: ['server.ts', 'cli.ts'] } },
];

function placeOf(file: string): { rank: number; group: string } {
  const relative = path.relative(src, file).split(path.sep).join('/');
  for (const layer of LAYERS) {
    for (const [group, prefixes] of Object.entries(layer.groups)) {
      if (
        prefixes.some((prefix) => (prefix.endsWith('/') ? relative.startsWith(prefix) : relative === prefix))
      )
        return { rank: layer.rank, group };
    }
  }
  throw new Error(`src/${relative} belongs to no layer: add it to LAYERS (and to docs/architecture.md)`);
}

/** Relative imports and re-exports of a file, resolved to absolute paths (dynamic imports included). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms),
    ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g),
  ].map((match) => match[1] ?? '');
  return specifiers.filter((s) => s.startsWith('.')).map((s) => path.resolve(path.dirname(file), s));
}

const files = listFiles(src);
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const name = (file: string) => `src/${path.relative(src, file)}`;

describe('layers', () => {
  it('places every module in a layer', () => {
    for (const file of files) expect(() => placeOf(file)).not.toThrow();
  });

  it('imports only downward or within a group', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = placeOf(file);
      for (const target of targets) {
        const to = placeOf(target);
        const ok = to.rank < from.rank || to.group === from.group;
        if (!ok) upward.push(`${name(file)} (${from.group}) → ${name(target)} (${to.group})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].map(name).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) visit(target, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('reads the environment only at the edges that start the process', () => {
    const readers = files.filter((file) => /process\.env\b/.test(readFileSync(file, 'utf8'))).map(name);
    expect(
      readers.filter((file) => !['src/config.ts', 'src/server.ts', 'src/cli.ts'].includes(file)),
    ).toEqual([]);
  });
});
