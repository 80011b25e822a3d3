import { trimEnd } from './trim.ts';

/** Where Kaleyra sends status callbacks: one path for every workspace (the login tells them apart). */
export const CALLBACKS_PATH = '/kaleyra/callbacks';

/** Shown instead of a host when PUBLIC_URL is not set. */
export const PLACEHOLDER_PUBLIC_URL = 'https://YOUR-HOST';

/** The callback URL an admin enters in Kaleyra's callback profile. */
export function callbackUrl(publicUrl: string | undefined): string {
  return `${trimEnd(publicUrl ?? PLACEHOLDER_PUBLIC_URL, '/')}${CALLBACKS_PATH}`;
}
