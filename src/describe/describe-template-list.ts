import { TEMPLATES_TIMEOUT_MS } from '../kaleyra/templates-client.ts';
import type { NoTemplatesReason } from '../services/template-choices.ts';

/**
 * Why the send form has no template list to pick from, in one plain sentence (it is shown in a
 * plain-text hint under the template field, which then takes a typed name).
 */
export function describeNoTemplateList(reason: NoTemplatesReason): string {
  switch (reason) {
    case 'NO_WABA_ID':
      return 'No template list: this workspace has no WhatsApp Business Account id (an admin can add it with /orderstatus config).';
    case 'NO_TEMPLATES':
      return 'No template list: Kaleyra lists no approved utility template for this WhatsApp Business Account.';
    case 'TIMEOUT':
      return `No template list: Kaleyra did not send it within ${TEMPLATES_TIMEOUT_MS / 1000} s (TIMEOUT).`;
    case 'NETWORK':
      return 'No template list: Kaleyra could not be reached (NETWORK).';
    case 'BAD_RESPONSE':
      return 'No template list: Kaleyra’s answer could not be read (BAD_RESPONSE).';
    case 'RBC001':
      return 'No template list: Kaleyra refused the SID or API key (RBC001); an admin should check them with /orderstatus config.';
    default:
      return `No template list: Kaleyra refused to send it (${reason}); an admin should check the WhatsApp Business Account id with /orderstatus config.`;
  }
}
