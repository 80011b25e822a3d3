import type { ResolvedOrderStatus } from '../domain/order-update.ts';
import { type StatusSpelling, type WireStatus, wireStatus } from '../domain/status-spelling.ts';

/** Kaleyra truncates longer `ref`, `ref1`, `ref2`; cutting them ourselves keeps reports predictable. */
export const EXTRA_INFO_REF_LIMIT = 255;

/** The request body of Kaleyra's "send order status template message", field for field. */
export type OrderStatusPayload = {
  messaging_object: {
    messaging_product: 'whatsapp';
    recipient_type: 'individual';
    to: string;
    type: 'template';
    template: {
      name: string;
      language: { policy: 'deterministic'; code: string };
      components: [
        {
          type: 'order_status';
          parameters: [
            {
              type: 'order_status';
              order_status: {
                reference_id: string;
                order: { status: WireStatus; description?: string };
              };
            },
          ];
        },
      ];
    };
  };
  extra_info: {
    ref: string;
    ref1?: string;
    ref2?: string;
    wa_source: 'api';
  };
};

export type ExtraInfoRefs = { ref: string; ref1?: string; ref2?: string };

/**
 * The request body of a session text (a free-form reply, allowed within 24 hours of the customer's
 * last message), field for field as the shared document shows it: the same endpoint as the template.
 */
export type SessionTextPayload = {
  messaging_object: {
    messaging_product: 'whatsapp';
    recipient_type: 'individual';
    to: string;
    type: 'text';
    text: { preview_url: false; body: string };
  };
  extra_info: { ref: string; ref1?: string; ref2?: string };
};

/**
 * Meta's media object under the message's type (kaleyra-whatsapp-payments-and-media.md §3): a public
 * `link` (never also an `id`), an optional caption, and for a document the name the customer sees.
 */
export type SessionMedia =
  | { type: 'image'; link: string; caption?: string | undefined }
  | { type: 'document'; link: string; caption?: string | undefined; filename: string };

/** The request body of a session media message (an image or a document), field for field as the shared document shows it. */
export type SessionMediaPayload = {
  messaging_object: {
    messaging_product: 'whatsapp';
    recipient_type: 'individual';
    to: string;
  } & (
    | { type: 'image'; image: { link: string; caption?: string } }
    | { type: 'document'; document: { link: string; filename: string; caption?: string } }
  );
  extra_info: { ref: string; ref1?: string; ref2?: string };
};

/** Anything the app sends to Kaleyra's messages endpoint. */
export type KaleyraPayload = OrderStatusPayload | SessionTextPayload | SessionMediaPayload;

export function buildSessionTextPayload(to: string, body: string, extra: ExtraInfoRefs): SessionTextPayload {
  return {
    messaging_object: {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'text',
      text: { preview_url: false, body },
    },
    extra_info: refsOf(extra),
  };
}

/** A session image or document: `link` is where Meta fetches the file, `caption` left out when there is none. */
export function buildSessionMediaPayload(
  to: string,
  media: SessionMedia,
  extra: ExtraInfoRefs,
): SessionMediaPayload {
  const caption = media.caption ? { caption: media.caption } : {};
  const common = { messaging_product: 'whatsapp', recipient_type: 'individual', to } as const;
  return {
    messaging_object:
      media.type === 'image'
        ? { ...common, type: 'image', image: { link: media.link, ...caption } }
        : {
            ...common,
            type: 'document',
            // The key order of Meta's "Document Messages" sample.
            document: { link: media.link, filename: media.filename, ...caption },
          },
    extra_info: refsOf(extra),
  };
}

/** `spelling`: how the workspace spells partially shipped on the wire (status-spelling.ts). */
export function buildOrderStatusPayload(
  update: ResolvedOrderStatus,
  extra: ExtraInfoRefs,
  spelling?: StatusSpelling,
): OrderStatusPayload {
  const order: { status: WireStatus; description?: string } = { status: wireStatus(update.status, spelling) };
  if (update.description) order.description = update.description;

  // Spread in this order so the JSON keeps the reference's key order (ref, ref1, ref2, wa_source).
  const extraInfo: OrderStatusPayload['extra_info'] = { ...refsOf(extra), wa_source: 'api' };

  return {
    messaging_object: {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: update.to,
      type: 'template',
      template: {
        name: update.templateName,
        language: { policy: 'deterministic', code: update.languageCode },
        components: [
          {
            type: 'order_status',
            parameters: [
              {
                type: 'order_status',
                order_status: { reference_id: update.referenceId, order },
              },
            ],
          },
        ],
      },
    },
    extra_info: extraInfo,
  };
}

/** The order status an order-status payload carries, as spelled on the wire; undefined for a session text. */
export function wireStatusOf(payload: KaleyraPayload): WireStatus | undefined {
  if (payload.messaging_object.type !== 'template') return undefined;
  return payload.messaging_object.template.components[0].parameters[0].order_status.order.status;
}

/** `ref`, `ref1`, `ref2` in that order, each cut to Kaleyra's limit; an absent one left out. */
function refsOf(extra: ExtraInfoRefs): { ref: string; ref1?: string; ref2?: string } {
  return {
    ref: truncateRef(extra.ref),
    ...(extra.ref1 !== undefined && { ref1: truncateRef(extra.ref1) }),
    ...(extra.ref2 !== undefined && { ref2: truncateRef(extra.ref2) }),
  };
}

// Cuts by code point so an emoji on the boundary is dropped whole rather than left as a lone surrogate.
function truncateRef(value: string): string {
  if (value.length <= EXTRA_INFO_REF_LIMIT) return value;
  return Array.from(value).slice(0, EXTRA_INFO_REF_LIMIT).join('');
}
