/** The most timestamps (ms) inside any half-open window [t, t + windowMs). */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** The most timestamps in any sliding second [t, t + 1000): what a per-second limit promises. */
export function maxInSlidingSecond(times: readonly number[]): number {
  return maxInWindow(times, 1000);
}
