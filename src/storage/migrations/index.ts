import { migration as v1 } from './0001-keyv-store.ts';
import { migration as v2 } from './0002-send-journal-and-duplicate-claims.ts';
import { migration as v3 } from './0003-shared-send-rate-budget-per.ts';
import { migration as v4 } from './0004-keyed-hash-key-single-use.ts';
import { migration as v5 } from './0005-sliding-send-rate-budget-gcra.ts';
import { migration as v6 } from './0006-delivery-state-slack-message-location.ts';
import { migration as v7 } from './0007-kaleyra-callback-credentials-and-delivery.ts';
import { migration as v9 } from './0009-bulk-send-jobs-row-by.ts';
import { migration as v10 } from './0010-outcomes-in-a-thread-each.ts';
import { migration as v11 } from './0011-bulk-rows-and-workflow-steps.ts';
import { migration as v12 } from './0012-customers-messages-session-replies-consent.ts';
import { migration as v13 } from './0013-customers-messages-kept-for-the.ts';
import { migration as v15 } from './0015-quality-overrides-journaled-account-announcements.ts';
import { migration as v17 } from './0017-consent-decided-by-when-written.ts';
import { migration as v19 } from './0019-meta-events-in-metas-order.ts';
import { migration as v22 } from './0022-network-failure-detail.ts';
import { migration as v24 } from './0024-payments-per-order-in-event-order.ts';
import { migration as v25 } from './0025-saved-replies-per-workspace.ts';
import { migration as v26 } from './0026-media-replies-in-the-send.ts';
import { migration as v30 } from './0030-conversation-owners-and-resolution.ts';
import type { Migration } from './migration.ts';

/** The schema, as ordered steps (one file per version). */
export const MIGRATIONS: readonly Migration[] = [
  v1,
  v2,
  v3,
  v4,
  v5,
  v6,
  v7,
  v9,
  v10,
  v11,
  v12,
  v13,
  v15,
  v17,
  v19,
  v22,
  v24,
  v25,
  v26,
  v30,
];
