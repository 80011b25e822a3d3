/**
 * Trims any of `chars` from the ends of `text` by walking inwards: linear on any input, where a pattern
 * such as `/\/+$/` tries every run again from each of its characters (10,000 slashes before a last
 * character: 50 ms; ten times as many: five seconds).
 */
export function trimEnd(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text.charAt(end - 1))) end--;
  return text.slice(0, end);
}

export function trimStart(text: string, chars: string): string {
  let start = 0;
  while (start < text.length && chars.includes(text.charAt(start))) start++;
  return text.slice(start);
}
