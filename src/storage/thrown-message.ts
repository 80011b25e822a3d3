/**
 * PGlite's file system (Emscripten's) throws `ErrnoError { errno }` objects with no message; their
 * numbers are Emscripten's, not the system's. The ones a data folder can meet, by name.
 */
const EMSCRIPTEN_ERRNO: Record<number, string> = {
  2: 'EACCES: permission denied',
  20: 'EEXIST: it already exists',
  31: 'EISDIR: a path that must be a file is a folder',
  44: 'ENOENT: no such file or folder',
  51: 'ENOSPC: no space left on the device',
  54: 'ENOTDIR: a path that must be a folder is a file',
  63: 'EPERM: operation not permitted',
  69: 'EROFS: read-only file system',
};

/** One line for anything thrown: an Error's message, an Emscripten errno by name, else its JSON. */
export function thrownMessage(thrown: unknown): string {
  if (thrown instanceof Error && thrown.message) return thrown.message;
  if (typeof thrown === 'object' && thrown !== null) {
    const errno: unknown = Reflect.get(thrown, 'errno');
    if (typeof errno === 'number') {
      return `PGlite's file system failed: ${EMSCRIPTEN_ERRNO[errno] ?? `errno ${errno}`}`;
    }
    try {
      return JSON.stringify(thrown);
    } catch {
      return Object.prototype.toString.call(thrown);
    }
  }
  return String(thrown);
}
