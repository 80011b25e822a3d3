import { readdirSync } from 'node:fs';
import path from 'node:path';

/** The project's src/ folder. */
export const src = path.resolve(import.meta.dirname, '..', '..', 'src');

/** Every .ts file under `dir`, at any depth. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}
