/** Input that fails the schema; `issues` holds one plain-language message per field. */
export class ValidationError extends Error {
  override name = 'ValidationError' as const;
  readonly issues: Readonly<Record<string, string>>;

  constructor(issues: Readonly<Record<string, string>>) {
    super(
      Object.entries(issues)
        .map(([field, message]) => `${field}: ${message}`)
        .join('; ') || 'Invalid input',
    );
    this.issues = issues;
  }
}
