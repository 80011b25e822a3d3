/** The worker thread of fakes.ts: both fakes on loopback, answering the main thread's questions. */
import { parentPort } from 'node:worker_threads';
import {
  acceptedWithFreshId,
  type FakeKaleyra,
  referenceIdOf,
  startFakeKaleyra,
} from '../../test/support/fake-kaleyra.ts';
import { type FakeSlack, responseIdOf, startFakeSlack } from '../../test/support/fake-slack.ts';
import { sleep, wallClock } from './context.ts';
import type { BulkDone, FakesDone, FakesReady, FakesRequest } from './fakes.ts';

type Settle = Extract<FakesRequest, { op: 'settle' }>;

// An outcome for everyone is posted in the channel and names its order: "… for order `REF` …".
const ORDER_IN_TEXT = /for order `([^`]+)`/;

async function serveFakes(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('fakes-worker.ts runs as a worker thread of the bench');
  const slack = await startFakeSlack();
  const kaleyra = await startFakeKaleyra();
  // When each send reached Kaleyra (the bulk measurement reads its rate and duration from these).
  const arrivals: Array<[string, number]> = [];
  let delayMs = 0;
  kaleyra.respondWith((request) => {
    arrivals.push([referenceIdOf(request) ?? '', wallClock()]);
    return acceptedWithFreshId(delayMs);
  });

  port.on('message', (request: FakesRequest) => {
    const reply = (body: Omit<FakesDone, 'id' | 'op'>) =>
      port.postMessage({ ...body, id: request.id, op: 'done' } satisfies FakesDone);
    if (request.op === 'delay') {
      delayMs = request.delayMs;
      reply({});
    } else if (request.op === 'addFile') {
      reply({ fileId: slack.addFile(request.content, { name: request.name }).id });
    } else if (request.op === 'checkedJob') {
      void checkedJob(slack, request.viewId, request.timeoutMs).then((jobId) =>
        reply(jobId ? { jobId } : {}),
      );
    } else if (request.op === 'outcomeTimes') {
      const times = new Map<string, number>();
      for (const call of slack.calls) {
        const ref = referenceOf(call, 'chat.postMessage');
        if (ref?.startsWith(request.prefix) && !times.has(ref)) times.set(ref, call.at ?? Number.NaN);
      }
      reply({ times: [...times] });
    } else if (request.op === 'posts') {
      reply({ times: postTimes(slack, request.prefix) });
    } else if (request.op === 'bulkDone') {
      void bulkDone(slack, request, arrivals).then((bulk) => reply({ bulk }));
    } else if (request.op === 'edits') {
      reply({ edits: [...countBy(referencesOf(slack, 'chat.update'), request.prefix)] });
    } else if (request.op === 'close') {
      void Promise.all([slack.close(), kaleyra.close()]).then(() => reply({}));
    } else {
      void settle(slack, kaleyra, request).then(reply);
    }
  });

  port.postMessage({
    op: 'ready',
    slackUrl: slack.url,
    kaleyraUrl: kaleyra.url,
    slackOrigin: slack.origin,
  } satisfies FakesReady);
}

async function settle(slack: FakeSlack, kaleyra: FakeKaleyra, request: Settle) {
  const deadline = Date.now() + request.timeoutMs;
  const answered = new Set<string>();
  let cursor = 0;
  let callCursor = 0;
  let finishedAt = Number.NaN;
  for (;;) {
    // Only the posts that arrived since the last look are read.
    for (; cursor < slack.responseUrlPosts.length; cursor++) {
      const post = slack.responseUrlPosts[cursor];
      const id = post ? responseIdOf(post) : '';
      if (id.startsWith(request.prefix)) answered.add(id);
    }
    for (; callCursor < slack.calls.length; callCursor++) {
      const id = referenceOf(slack.calls[callCursor], 'chat.postMessage');
      if (id?.startsWith(request.prefix)) answered.add(id);
    }
    if (answered.size >= request.n) {
      finishedAt = wallClock();
      break;
    }
    if (Date.now() > deadline) break;
    await sleep(2);
  }
  await sleep(300);
  const sends = countBy(kaleyra.requests.map(referenceIdOf), request.prefix);
  const answers = countBy(
    [...slack.responseUrlPosts.map(responseIdOf), ...referencesOf(slack, 'chat.postMessage')],
    request.prefix,
  );
  return { finishedAt, sends: [...sends], answers: [...answers] };
}

async function checkedJob(slack: FakeSlack, viewId: string, timeoutMs: number): Promise<string | undefined> {
  const call = await slack
    .waitFor((s) => s.callsTo('views.update').find((c) => c.body.view_id === viewId), timeoutMs)
    .catch(() => undefined);
  const view = call?.body.view as { private_metadata?: string } | undefined;
  return view?.private_metadata ? (JSON.parse(view.private_metadata) as { jobId?: string }).jobId : undefined;
}

async function bulkDone(
  slack: FakeSlack,
  request: Extract<FakesRequest, { op: 'bulkDone' }>,
  arrivals: ReadonlyArray<[string, number]>,
): Promise<BulkDone> {
  const deadline = Date.now() + request.timeoutMs;
  let finishedAt = Number.NaN;
  let resultCsv: string | undefined;
  for (; Date.now() < deadline; await sleep(5)) {
    const posted = slack
      .callsTo('chat.postMessage')
      .find((c) => JSON.stringify(c.body.blocks ?? '').includes(request.jobId));
    const ts = (posted?.response as { ts?: string } | undefined)?.ts;
    const upload = ts ? slack.uploads.find((u) => u.completed && u.threadTs === ts) : undefined;
    if (upload) {
      finishedAt = wallClock();
      resultCsv = upload.text;
      break;
    }
  }
  return { finishedAt, sends: arrivals.filter(([ref]) => ref.startsWith(request.prefix)), resultCsv };
}

/** The order a Web API call of `method` is about (an outcome posted in the channel, or its edit). */
function referenceOf(call: FakeSlack['calls'][number] | undefined, method: string): string | undefined {
  if (call?.method !== method || call.body.thread_ts !== undefined) return undefined;
  return ORDER_IN_TEXT.exec(String(call.body.text))?.[1];
}

function referencesOf(slack: FakeSlack, method: string): (string | undefined)[] {
  return slack.calls.map((call) => referenceOf(call, method));
}

/**
 * Every chat.postMessage naming a marker `<prefix><digits>` (a customer's message shown in Slack): the
 * marker and when it was posted (wall clock), once per post, so a message posted twice shows twice.
 */
function postTimes(slack: FakeSlack, prefix: string): [string, number][] {
  const times: [string, number][] = [];
  for (const call of slack.calls) {
    if (call.method !== 'chat.postMessage') continue;
    const text = String(call.body.text ?? '');
    const at = text.indexOf(prefix);
    if (at < 0) continue;
    let end = at + prefix.length;
    while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
    times.push([text.slice(at, end), call.at ?? Number.NaN]);
  }
  return times;
}

/** How many times each id starting with `prefix` occurs. */
function countBy(ids: readonly (string | undefined)[], prefix: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) {
    if (id?.startsWith(prefix)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

await serveFakes();
