import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import * as v from 'valibot';
import { firstIssuePerField } from './field-issues.ts';

/** The five statuses Kaleyra's order_status component accepts, in the order an order goes through them. */
export const ORDER_STATUSES = [
  'processing',
  'partially_shipped',
  'shipped',
  'completed',
  'canceled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const STATUS_LABELS: Record<OrderStatus, string> = {
  processing: 'Processing',
  partially_shipped: 'Partially shipped',
  shipped: 'Shipped',
  completed: 'Completed',
  canceled: 'Canceled',
};

/** Limits from Kaleyra's API reference. */
export const LIMITS = {
  referenceId: 35,
  description: 120,
  templateName: 512,
} as const;

export const REFERENCE_PATTERN = /^[A-Za-z0-9_.-]+$/;
// Meta template names: lowercase letters, digits and underscores.
export const TEMPLATE_NAME_PATTERN = /^[a-z0-9_]+$/;
// WhatsApp language codes: `en`, `en_US`, `fil`, `zh_HK`.
export const LANGUAGE_CODE_PATTERN = /^[a-z]{2,3}(_[A-Z]{2})?$/;
// C0/C1 controls and line/paragraph separators: WhatsApp parameters cannot carry them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Invisible format characters that reorder or hide text (`Refund \u202Efdp.exe` shows as
 * `Refund exe.pdf`): the bidirectional controls, zero-width space, word joiner and the byte-order
 * mark. The zero-width joiner and non-joiner (U+200D, U+200C) stay allowed: Indic scripts, Persian
 * and emoji sequences need them.
 */
export const INVISIBLE_CHARACTERS: Readonly<Record<number, string>> = {
  8203: 'ZERO WIDTH SPACE',
  8206: 'LEFT-TO-RIGHT MARK',
  8207: 'RIGHT-TO-LEFT MARK',
  8234: 'LEFT-TO-RIGHT EMBEDDING',
  8235: 'RIGHT-TO-LEFT EMBEDDING',
  8236: 'POP DIRECTIONAL FORMATTING',
  8237: 'LEFT-TO-RIGHT OVERRIDE',
  8238: 'RIGHT-TO-LEFT OVERRIDE',
  8288: 'WORD JOINER',
  8294: 'LEFT-TO-RIGHT ISOLATE',
  8295: 'RIGHT-TO-LEFT ISOLATE',
  8296: 'FIRST STRONG ISOLATE',
  8297: 'POP DIRECTIONAL ISOLATE',
  65279: 'ZERO WIDTH NO-BREAK SPACE',
};

/** The first invisible format character in `text`: `U+202E`, its Unicode name, and its 1-based position. */
export function findInvisibleCharacter(
  text: string,
): { code: string; name: string; position: number } | undefined {
  let position = 0;
  for (const char of text) {
    position += 1;
    const point = char.codePointAt(0) ?? 0;
    const name = INVISIBLE_CHARACTERS[point];
    if (name) return { code: `U+${point.toString(16).toUpperCase().padStart(4, '0')}`, name, position };
  }
  return undefined;
}

/** Checked before trimming: JavaScript's trim removes U+FEFF, which would hide it rather than refuse it. */
export function withoutInvisibleCharacters(field: string) {
  return v.check<string, (issue: v.CheckIssue<string>) => string>(
    (value) => findInvisibleCharacter(value) === undefined,
    (issue) => {
      const found = findInvisibleCharacter(String(issue.input));
      const what = found
        ? `an invisible ${found.name} (${found.code}) at character ${found.position}`
        : 'an invisible character';
      return `The ${field} contains ${what}: remove it (hidden characters can disguise what the customer reads).`;
    },
  );
}

const STATUS_ALIASES: Record<string, OrderStatus> = {
  cancelled: 'canceled',
  'partially-shipped': 'partially_shipped',
  'partially shipped': 'partially_shipped',
  partiallyshipped: 'partially_shipped',
};

/** Removes the separators people type inside phone numbers (spaces, dashes, dots, brackets). */
export function normalisePhoneNumber(raw: string): string {
  return raw.replace(/[\s\-().\u00a0\u2010-\u2015]/g, '');
}

/** Lower-cases and resolves the accepted spellings (`Cancelled`, `partially-shipped`…) to Kaleyra's word. */
export function normaliseStatus(raw: string): string {
  const word = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  return STATUS_ALIASES[word] ?? word;
}

export function isOrderStatus(value: string): value is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(value);
}

const E164 = /^\+[1-9]\d{6,14}$/;

// The last few numbers checked, and their answers: a command's number is checked as its words are
// read (parse-command.ts) and again by the schema, and a full parse is ~5 % of a send's CPU.
const checked = new Map<string, string | undefined>();
const CHECKED_KEPT = 8;

/**
 * A normalised number's one E.164 spelling when it is valid for its country (what libphonenumber's
 * isValidPhoneNumber says, from the same parse), else undefined. Never throws: the parse that throws
 * (`parsePhoneNumber`) did on an unknown country code such as +999, out of the whole command parser.
 */
export function validPhoneNumber(normalised: string): string | undefined {
  if (checked.has(normalised)) return checked.get(normalised);
  const parsed = parsePhoneNumberFromString(normalised, { extract: false });
  const number = parsed?.isValid() ? parsed.number : undefined;
  if (checked.size >= CHECKED_KEPT) checked.clear();
  checked.set(normalised, number);
  return number;
}

export const PhoneNumberSchema = v.pipe(
  v.string('Enter the customer’s WhatsApp number.'),
  v.transform(normalisePhoneNumber),
  v.nonEmpty('Enter the customer’s WhatsApp number, starting with + and the country code.'),
  v.startsWith('+', 'Start the number with + and the country code, e.g. +919876543210.'),
  v.regex(/^\+\d+$/, 'Use digits only after the +, e.g. +919876543210.'),
  v.regex(E164, 'A WhatsApp number has 7 to 15 digits after the +, country code first.'),
  // One parse both checks the number and gives its one spelling (`+9109876543210` is `+919876543210`):
  // stored, compared and sent.
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const number = validPhoneNumber(dataset.value);
    if (number !== undefined) return number;
    addIssue({
      message: 'That is not a valid phone number for its country. Check the country code and the digits.',
    });
    return NEVER;
  }),
);

/** A required one-word field: trimmed, not empty, at most `max` characters, of `pattern`'s characters. */
function requiredWord(what: string, max: number, pattern: RegExp, patternMessage: string) {
  return v.pipe(
    v.string(),
    v.trim(),
    v.nonEmpty(`Enter the ${what}.`),
    v.maxLength(max, `The ${what} can be at most ${max} characters.`),
    v.regex(pattern, patternMessage),
  );
}

/** A customer's number typed alone (`--to`, `/orderstatus optout +…`): its E.164 spelling, or why it is not one. */
export function readCustomerNumber(
  text: string,
): { ok: true; number: string } | { ok: false; issue: string } {
  const parsed = v.safeParse(PhoneNumberSchema, normalisePhoneNumber(text.trim()));
  return parsed.success
    ? { ok: true, number: parsed.output }
    : { ok: false, issue: parsed.issues[0].message };
}

export const ReferenceIdSchema = v.pipe(
  v.string('Enter the order reference.'),
  withoutInvisibleCharacters('order reference'),
  requiredWord(
    'order reference',
    LIMITS.referenceId,
    REFERENCE_PATTERN,
    'The order reference can only use letters, digits, _ - and .',
  ),
);

export const StatusSchema = v.pipe(
  v.string('Choose a status.'),
  v.transform(normaliseStatus),
  v.picklist(ORDER_STATUSES, `Choose one of: ${ORDER_STATUSES.join(', ')}.`),
);

export const DescriptionSchema = v.pipe(
  v.string('The description must be text.'),
  withoutInvisibleCharacters('description'),
  v.trim(),
  v.maxLength(
    LIMITS.description,
    `The description can be at most ${LIMITS.description} characters (WhatsApp’s limit).`,
  ),
  v.check((value) => !CONTROL_CHARACTERS.test(value), 'The description must be one line of plain text.'),
  // A lone surrogate (half an emoji) cannot be encoded as the UTF-8 text WhatsApp shows.
  v.check((value) => value.isWellFormed(), 'The description must be one line of plain text.'),
  v.transform((value) => (value === '' ? undefined : value)),
);

export const TemplateNameSchema = v.pipe(
  v.string('Enter the template name.'),
  requiredWord(
    'template name',
    LIMITS.templateName,
    TEMPLATE_NAME_PATTERN,
    'Template names use lowercase letters, digits and _ only.',
  ),
);

export const LanguageCodeSchema = v.pipe(
  v.string('Enter the template language code.'),
  v.trim(),
  v.regex(LANGUAGE_CODE_PATTERN, 'Use a WhatsApp language code such as en or en_US.'),
);

/**
 * One order-status update as an agent asks for it. Template name and language are optional:
 * when absent the workspace's defaults apply.
 */
export const OrderStatusSchema = v.object({
  to: PhoneNumberSchema,
  referenceId: ReferenceIdSchema,
  status: StatusSchema,
  description: v.optional(DescriptionSchema),
  templateName: v.optional(TemplateNameSchema),
  languageCode: v.optional(LanguageCodeSchema),
});

export type OrderStatusInput = v.InferInput<typeof OrderStatusSchema>;
export type OrderStatusRequest = v.InferOutput<typeof OrderStatusSchema>;
export type OrderStatusField = keyof OrderStatusInput;
/** One plain-language message per field that is wrong. */
export type FieldIssues = Partial<Record<OrderStatusField, string>>;

export type ValidationResult = { ok: true; value: OrderStatusRequest } | { ok: false; issues: FieldIssues };

/** Validates raw input (from any edge) and returns either the request or the first issue per field. */
export function validateOrderStatus(input: unknown): ValidationResult {
  const result = v.safeParse(OrderStatusSchema, input);
  if (result.success) {
    return { ok: true, value: stripUndefined(result.output) };
  }
  const issues: FieldIssues = firstIssuePerField<OrderStatusField>(result.issues);
  if (Object.keys(issues).length === 0) {
    issues.to = 'The update could not be read. Check every field.';
  }
  return { ok: false, issues };
}

// exactOptionalPropertyTypes: an optional field that became `undefined` is dropped, not kept as a key.
function stripUndefined(request: OrderStatusRequest): OrderStatusRequest {
  const out: OrderStatusRequest = {
    to: request.to,
    referenceId: request.referenceId,
    status: request.status,
  };
  if (request.description !== undefined) out.description = request.description;
  if (request.templateName !== undefined) out.templateName = request.templateName;
  if (request.languageCode !== undefined) out.languageCode = request.languageCode;
  return out;
}
