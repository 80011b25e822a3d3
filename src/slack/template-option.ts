/** A template as the picker offers it: its name and the language it is approved in. */
export type TemplatePick = { templateName: string; languageCode: string };

/** Slack's limit for an option's value. */
export const OPTION_VALUE_MAX = 150;
const SEPARATOR = '|';

/**
 * The value of a picker option: name and language together, so a pick sets both. Neither a template
 * name (`[a-z0-9_]`) nor a language code (`en_US`) can hold the separator. Undefined when the pair is
 * longer than Slack allows an option value (a name of 140+ characters cannot be offered).
 */
export function encodeTemplateOption(pick: TemplatePick): string | undefined {
  const value = `${pick.templateName}${SEPARATOR}${pick.languageCode}`;
  return value.length <= OPTION_VALUE_MAX ? value : undefined;
}

/** Reads a picked option's value back; undefined when it is not one of ours (validation then names it). */
export function decodeTemplateOption(value: string): TemplatePick | undefined {
  const at = value.lastIndexOf(SEPARATOR);
  if (at <= 0 || at === value.length - 1) return undefined;
  return { templateName: value.slice(0, at), languageCode: value.slice(at + 1) };
}
