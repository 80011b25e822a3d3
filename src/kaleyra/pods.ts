import { trimEnd } from '../domain/trim.ts';
import type { Pod } from '../domain/workspace-settings.ts';

const POD_BASE_URLS: Record<Pod, string> = {
  in: 'https://api.in.kaleyra.io',
  // Kaleyra names the Singapore pod `ap` in its host name.
  sg: 'https://api.ap.kaleyra.io',
  eu: 'https://api.eu.kaleyra.io',
  // North America, listed in Kaleyra's newer documentation.
  na: 'https://api.na.kaleyra.io',
};

/**
 * The Kaleyra API base for a workspace's pod. `override` (KALEYRA_BASE_URL) wins for every pod so a
 * proxy, sandbox or test fake can stand in for all of them; a trailing slash is dropped.
 */
export function resolveKaleyraBaseUrl(pod: Pod, override?: string): string {
  const trimmed = override?.trim();
  if (trimmed) return trimEnd(trimmed, '/');
  return POD_BASE_URLS[pod];
}
