import type { ErrorDescription } from './error-description.ts';
import type { Surface } from './surface.ts';

export type SilentCallbacks = {
  /** Sends Kaleyra accepted over an hour ago with no callback since. */
  count: number;
  oldestAt: string;
  /** When the last callback arrived, if one ever did. */
  lastCallbackAt?: string | undefined;
};

/**
 * Sends go out but Kaleyra's status callbacks do not come: the outcome messages will never say
 * Delivered, Read or why WhatsApp failed. Nearly always the callback profile, or the number not using it.
 */
export function describeCallbacksSilent(silent: SilentCallbacks, surface: Surface): ErrorDescription {
  const sends = `${silent.count} update${silent.count === 1 ? '' : 's'}`;
  const last = silent.lastCallbackAt
    ? `none has arrived since ${surface.time(silent.lastCallbackAt)}`
    : 'none has ever arrived';
  return {
    code: 'NO_CALLBACKS',
    summary: `${sends} sent since ${surface.time(silent.oldestAt)} got no delivery report for over an hour: Kaleyra's status callbacks are not reaching orderstatus (${last}), so outcomes cannot show Delivered, Read or why WhatsApp failed.`,
    nextStep:
      'In Kaleyra, check the callback profile (the URL, and Basic authentication with the username and password below) and that the business number uses it (number settings → Callback Profile ID).',
    retryable: false,
  };
}
