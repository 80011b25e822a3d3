import type { SlackLimit } from '../../src/slack/block-kit-limits.ts';

/**
 * Slack's Block Kit rules as the Web API applies them, for the stand-in: every problem as Slack words it,
 * `<what> [json-pointer:<where>]` (e.g. `must be less than 3001 characters [json-pointer:/blocks/0/text/text]`,
 * `no more than 50 items allowed [json-pointer:/blocks]`, `unsupported type: foo [json-pointer:/blocks/0/type]`,
 * `missing required field: text [json-pointer:/blocks/0]`, `invalid additional property: x [json-pointer:/view]`).
 * The figures come from the product's own table; what is not a figure (types, fields) from the same pages.
 */
export type Issues = string[];

type Rec = Record<string, unknown>;
const isRec = (value: unknown): value is Rec =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export class BlockKitChecker {
  readonly issues: Issues = [];

  fail(message: string, at: string): void {
    this.issues.push(`${message} [json-pointer:${at}]`);
  }

  /** An object with these fields only, the required ones present; false (reported) when it is not an object. */
  shape(
    value: unknown,
    at: string,
    allowed: readonly string[],
    required: readonly string[] = [],
  ): value is Rec {
    if (!isRec(value)) {
      this.fail('must provide an object', at);
      return false;
    }
    for (const key of required) if (value[key] === undefined) this.fail(`missing required field: ${key}`, at);
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail(`invalid additional property: ${key}`, at);
    }
    return true;
  }

  /** A string within `limit` (when given), measured in UTF-16 units as Slack counts them. */
  string(value: unknown, at: string, limit?: SlackLimit): void {
    if (value === undefined) return;
    if (typeof value !== 'string') {
      this.fail('must provide a string', at);
      return;
    }
    if (!limit) return;
    if (value.length > limit.max) this.fail(`must be less than ${limit.max + 1} characters`, at);
    if (limit.min !== undefined && value.length < limit.min) {
      this.fail(`must be more than ${limit.min - 1} characters`, at);
    }
  }

  integer(value: unknown, at: string, limit: SlackLimit): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.fail('must provide an integer', at);
      return;
    }
    if (value > limit.max) this.fail(`must be less than or equal to ${limit.max}`, at);
    if (value < (limit.min ?? 0)) this.fail(`must be greater than or equal to ${limit.min ?? 0}`, at);
  }

  /** An array of at most `limit.max` items (at least one, as Slack asks of every list it documents). */
  list(value: unknown, at: string, limit: SlackLimit): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.fail('must provide an array', at);
      return [];
    }
    if (value.length > limit.max) this.fail(`no more than ${limit.max} items allowed`, at);
    if (value.length < 1) this.fail('must provide at least 1 items', at);
    return value;
  }

  oneOf(value: unknown, at: string, allowed: readonly string[]): void {
    if (value !== undefined && !allowed.includes(value as string)) {
      this.fail(`must be one of ${allowed.join(', ')}`, at);
    }
  }

  /** A text object: `plain_text` (with `emoji`) or `mrkdwn` (with `verbatim`), 1 to `limit.max` characters. */
  text(value: unknown, at: string, limit: SlackLimit, kind: 'plain' | 'any' = 'any'): void {
    if (value === undefined) return;
    const type = isRec(value) ? value.type : undefined;
    if (type !== 'plain_text' && (kind === 'plain' || type !== 'mrkdwn')) {
      this.fail(kind === 'plain' ? 'must be a plain_text text object' : 'must be a text object', at);
      return;
    }
    const extra = type === 'plain_text' ? 'emoji' : 'verbatim';
    if (!this.shape(value, at, ['type', 'text', extra], ['type', 'text'])) return;
    this.string(value.text, `${at}/text`, { ...limit, min: 1 });
  }

  /** block_ids (unique across the surface) and action_ids (unique within each block) as Slack checks them. */
  uniqueIds(blocks: readonly unknown[], at: string): void {
    const seen = new Set<string>();
    blocks.forEach((block, index) => {
      const id = isRec(block) ? block.block_id : undefined;
      if (typeof id !== 'string') return;
      if (seen.has(id)) this.fail(`duplicate block_id: ${id}`, `${at}/${index}/block_id`);
      seen.add(id);
    });
  }
}

export { isRec };
