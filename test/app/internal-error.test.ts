import { expect, it } from 'vitest';
import { command, outcomeOf, SETTINGS, textOf, useTestApp, waitUntil } from '../support/app-driver.ts';

const t = useTestApp({ kind: 'embedded' });

it('tells the agent when something inside the app fails, instead of going quiet', async () => {
  // A stored key no HTTP header can carry makes the client throw before any request leaves.
  await t.server.services.credentials.set(
    t.team,
    { ...SETTINGS, apiKey: 'broken\nkey-0000000000' },
    'UADMIN',
  );
  const sent = command(t, '+919876543210 INTERNAL-1 shipped');
  expect((await sent.post()).status).toBe(200);
  const posted = await outcomeOf(t, sent);
  expect((posted.body as { response_type?: string }).response_type).toBe('ephemeral');
  expect(textOf(posted.body)).toContain('INTERNAL');
  expect(t.kaleyra.requests).toHaveLength(0);
  // Logged once the task ends, which is after the agent's message has gone out.
  await waitUntil(() => t.logs.join('\n').includes('background task failed'), 5000, 'the failure logged');
  const [row] = await t.server.services.journal.list(t.team);
  expect(row?.outcome).toBe('unknown');
});
