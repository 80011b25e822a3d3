/**
 * What stops a send, as SQL conditions every statement that asks shares (the send guard, a bulk job's
 * pause and its resume), so they can never disagree. Arguments are SQL expressions (parameters or
 * columns), never values.
 */

/**
 * Template state rows (alias `t`) that stop a send with template `name` in language `language`: Meta
 * stopped it in that language, or in an event that named no language (`''`, every language).
 */
export function templateStopRows(workspace: string, name: string, language: string): string {
  return `t.workspace_id = ${workspace} AND t.template_name = ${name}
     AND t.language_code IN (${language}, '') AND t.blocked`;
}

/** True while the template is stopped in that language. */
export function templateStopped(workspace: string, name: string, language: string): string {
  return `EXISTS (SELECT 1 FROM template_states t WHERE ${templateStopRows(workspace, name, language)})`;
}

/** True while the business number is flagged and no admin resumed bulk sends deliberately. */
export function numberStopsBulk(workspace: string, businessNumber: string): string {
  return `EXISTS (SELECT 1 FROM number_quality q WHERE q.workspace_id = ${workspace}
     AND q.business_number = ${businessNumber} AND q.flagged AND q.override_by IS NULL)`;
}
