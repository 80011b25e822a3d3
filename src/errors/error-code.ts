/** The first Node-style `code` (`ECONNREFUSED`, `UND_ERR_SOCKET`…) along an error's cause chain. */
export function errorCodeOf(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const code: unknown = Reflect.get(current, 'code');
    if (typeof code === 'string' && /^[A-Z0-9_]{2,64}$/.test(code)) return code;
    // fetch refuses some ports before connecting and says so only in words.
    if (Reflect.get(current, 'message') === 'bad port') return 'ERR_BAD_PORT';
    // Happy-eyeballs connects fail with an AggregateError whose members hold the codes.
    const members: unknown = Reflect.get(current, 'errors');
    if (Array.isArray(members) && members.length > 0) {
      const inner = errorCodeOf(members[0]);
      if (inner !== undefined) return inner;
    }
    current = Reflect.get(current, 'cause');
  }
  return undefined;
}
