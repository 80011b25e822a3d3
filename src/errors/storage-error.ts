/** The database could not be reached or answered wrongly; never means "not configured". */
export class StorageError extends Error {
  override name = 'StorageError' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
