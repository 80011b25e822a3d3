/** The most timestamps (ms) inside any window [t, t + windowMs], ends included. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) > windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/**
 * The most timestamps in any one-second window, ends included: what a sliding per-second limit
 * promises, with the "+1" a millisecond clock needs at the window's ends.
 */
export function maxInSlidingSecond(times: readonly number[]): number {
  return maxInWindow(times, 1000);
}
