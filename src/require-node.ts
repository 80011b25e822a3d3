import path from 'node:path';

/**
 * Imported first by the entry points (server.ts, cli.ts): on an older Node, a built entry would die on
 * whatever Node 24 API loads first, with a SyntaxError that names neither Node nor its version.
 * Nothing here may need more than what every Node since 12 has.
 */
const REQUIRED_MAJOR = 24;

const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR) {
  process.stderr.write(`${olderNodeLine(process.version, process.argv[1])}\n`);
  process.exit(1);
}

/** The one line an older Node prints: which Node runs, which to use instead. */
export function olderNodeLine(version: string, entry: string | undefined): string {
  const script = entry ? path.relative(process.cwd(), entry) || entry : 'dist/server.js';
  const npm = /cli\.[jt]s$/.test(script) ? 'npm run orderstatus -- …' : 'npm start';
  return `orderstatus needs Node.js ${REQUIRED_MAJOR} or later, and this is Node ${version}: run it with ${npm} (the project brings Node ${REQUIRED_MAJOR}), or node_modules/.bin/node ${script}`;
}
