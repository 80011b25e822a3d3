/**
 * The database could not be used; never means "not configured". `reason` tells an outage (try again)
 * from a stored record that cannot be read back (wrong ENCRYPTION_KEY, tampered or malformed data).
 */
export class StorageError extends Error {
  override name = 'StorageError' as const;
  readonly reason: 'unavailable' | 'unreadable';

  constructor(message: string, options?: { cause?: unknown; reason?: 'unavailable' | 'unreadable' }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = options?.reason ?? 'unavailable';
  }
}
