/**
 * The promise's value if it settles within `ms`, else undefined; the work goes on (a caller may await
 * it later). Slack gives 3 s for an answer, and a slow database or API must not use all of them.
 * Not p-timeout: that builds a TimeoutError, stack trace and all, on every call (even told to resolve
 * undefined), and this runs on every Kaleyra callback.
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
