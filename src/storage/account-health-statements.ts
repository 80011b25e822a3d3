/**
 * The statements that apply Meta's template and quality events (account-health-store.ts). Each is one
 * statement: the state before (its snapshot), the upsert by Meta's time, and the event's row in
 * account_events, so it holds the same whichever replica (or both at once) received the event.
 */

// $1 workspace, $2 template (null: the one attempt $7 was sent with), $3 event, $4 blocked (null: no
// change), $5 reason, $6 source, $7 attempt, $8 language (null: the attempt's, else ''), $9 Meta's time,
// $10 the event's id. An event older than the row's newest (event_at) is recorded and changes nothing.
export const APPLY_TEMPLATE = `
WITH name AS (
  SELECT COALESCE($2::text, j.template_name) AS template_name,
         COALESCE($8::text, j.language_code, '') AS language_code
    FROM (SELECT 1) one
    LEFT JOIN send_journal j ON $2::text IS NULL AND j.workspace_id = $1 AND j.id = $7::text
), old AS (
  SELECT t.language_code, t.blocked FROM template_states t, name
   WHERE t.workspace_id = $1 AND t.template_name = name.template_name
), up AS (
  INSERT INTO template_states AS t
    (workspace_id, template_name, language_code, event, blocked, reason, source, event_at, announced_at)
  -- A template first heard of as allowed changed nothing: there is nothing to announce.
  SELECT $1, name.template_name, name.language_code, $3, COALESCE($4::boolean, false), $5, $6, $9,
         CASE WHEN COALESCE($4::boolean, false) THEN NULL ELSE now() END
    FROM name WHERE name.template_name IS NOT NULL
  ON CONFLICT (workspace_id, template_name, language_code) DO UPDATE SET
    event = EXCLUDED.event,
    blocked = COALESCE($4::boolean, t.blocked),
    reason = CASE WHEN $4::boolean IS NULL THEN t.reason ELSE EXCLUDED.reason END,
    source = EXCLUDED.source,
    event_at = EXCLUDED.event_at,
    since = CASE WHEN COALESCE($4::boolean, t.blocked) = t.blocked THEN t.since ELSE now() END,
    announced_at = CASE WHEN COALESCE($4::boolean, t.blocked) = t.blocked THEN t.announced_at ELSE NULL END
  WHERE t.event_at IS NULL OR t.event_at <= EXCLUDED.event_at
  RETURNING t.language_code, t.blocked, t.since
), lifted AS (
  -- A stop heard without a language stood for every language: any newer lift of the template lifts
  -- it; a lift without a language lifts every language's older stop.
  UPDATE template_states t
     SET event = $3, blocked = false, reason = $5, source = $6, event_at = $9, since = now(), announced_at = NULL
    FROM name
   WHERE $4::boolean = false AND t.workspace_id = $1 AND t.template_name = name.template_name
     AND t.language_code <> name.language_code AND (name.language_code = '' OR t.language_code = '')
     AND t.blocked AND (t.event_at IS NULL OR t.event_at <= $9)
  RETURNING t.language_code, t.blocked, t.since
), heard AS (
  INSERT INTO account_events (id, workspace_id, kind, subject, language_code, event, detail, event_at, applied)
  SELECT $10, $1, 'template', name.template_name, name.language_code, $3, $5, $9, EXISTS (SELECT 1 FROM up)
    FROM name WHERE name.template_name IS NOT NULL
  RETURNING applied
)
SELECT name.template_name, c.language_code, c.since,
       (c.language_code IS NOT NULL AND c.blocked IS DISTINCT FROM COALESCE(o.blocked, false)) AS changed,
       (SELECT bool_or(applied) FROM heard) AS applied
  FROM name
  LEFT JOIN (SELECT * FROM up UNION ALL SELECT * FROM lifted) c ON true
  LEFT JOIN old o ON o.language_code = c.language_code
 WHERE name.template_name IS NOT NULL`;

// $1 workspace, $2 number, $3 event, $4 flagged (null: no change), $5 limit, $6 Meta's time, $7 the id.
export const APPLY_QUALITY = `
WITH old AS (
  SELECT flagged FROM number_quality WHERE workspace_id = $1 AND business_number = $2
), up AS (
  INSERT INTO number_quality AS q (workspace_id, business_number, event, flagged, current_limit, event_at, announced_at)
  VALUES ($1, $2, $3, COALESCE($4::boolean, false), $5, $6,
          CASE WHEN COALESCE($4::boolean, false) THEN NULL ELSE now() END)
  ON CONFLICT (workspace_id, business_number) DO UPDATE SET
    event = EXCLUDED.event,
    flagged = COALESCE($4::boolean, q.flagged),
    current_limit = COALESCE(EXCLUDED.current_limit, q.current_limit),
    event_at = EXCLUDED.event_at,
    since = CASE WHEN COALESCE($4::boolean, q.flagged) = q.flagged THEN q.since ELSE now() END,
    -- A new flag needs a new deliberate override; so does a new announcement.
    override_by = CASE WHEN COALESCE($4::boolean, q.flagged) = q.flagged THEN q.override_by ELSE NULL END,
    override_at = CASE WHEN COALESCE($4::boolean, q.flagged) = q.flagged THEN q.override_at ELSE NULL END,
    announced_at = CASE WHEN COALESCE($4::boolean, q.flagged) = q.flagged THEN q.announced_at ELSE NULL END
  WHERE q.event_at IS NULL OR q.event_at <= EXCLUDED.event_at
  RETURNING flagged, since
), heard AS (
  INSERT INTO account_events (id, workspace_id, kind, subject, event, detail, event_at, applied)
  SELECT $7, $1, 'number', $2, $3, $5, $6, EXISTS (SELECT 1 FROM up)
  RETURNING applied
)
SELECT (up.flagged IS NOT NULL AND up.flagged IS DISTINCT FROM COALESCE((SELECT flagged FROM old), false)) AS changed,
       up.since,
       (SELECT applied FROM heard) AS applied
  FROM (SELECT 1) one LEFT JOIN up ON true`;

// The override and its journal row in one statement; only a flagged number without an override yet.
export const OVERRIDE = `
WITH o AS (
  UPDATE number_quality SET override_by = $3, override_at = now()
   WHERE workspace_id = $1 AND business_number = $2 AND flagged AND override_by IS NULL
  RETURNING event, current_limit, override_at
), j AS (
  INSERT INTO quality_overrides (id, workspace_id, business_number, event, current_limit, overridden_by, overridden_at)
  SELECT $4, $1, $2, o.event, o.current_limit, $3, o.override_at FROM o
  RETURNING 1
)
SELECT o.event, o.override_at FROM o, j`;
