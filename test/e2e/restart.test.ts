import { afterEach, describe, expect, it } from 'vitest';
import {
  anApplication,
  emailsTo,
  fillAndSend,
  demoCallOf,
  openPage,
  reviewRequest,
  showStackLinesOnFailure,
  startTestStack,
  submit,
  taskLinkIn,
  track,
  waitForEmail,
  waitForStatus,
} from './support.ts';
import type { TestStack } from './support.ts';

/**
 * `npm start` stopped in the middle of a review and started again on the same data folder: the
 * link the reviewer already has still decides, and the application goes on to the committee.
 */

describe('a restart of the local stack', { timeout: 120_000 }, () => {
  const stacks: TestStack[] = [];

  afterEach(async () => {
    for (const s of stacks.splice(0).reverse()) await s.dispose();
  });

  it('keeps the waiting review: the emailed link still decides after the restart', async () => {
    showStackLinesOnFailure(() => stacks.flatMap((s, i) => [`--- stack ${i + 1} ---`, ...s.lines]));
    const first = await startTestStack();
    stacks.push(first);
    const api = first.stack.urls.api;
    const body = anApplication(await demoCallOf(first));
    const { id, trackingUrl } = await submit(api, body);

    const { email: request } = await reviewRequest(first.stack.urls.mailbox, body.project.title);
    const link = taskLinkIn(request);
    expect((await track(trackingUrl)).status).toBe('IN_REVIEW');

    // Ctrl-C, then `npm start` again: same data folder, same API port (the link names it).
    await first.stop();
    const second = await startTestStack({ dataDir: first.dataDir, port: first.stack.ports.api });
    stacks.push(second);
    expect(second.stack.resumedExecutions).toHaveLength(1);
    expect(second.stack.urls.api).toBe(api);

    // The mailbox kept the email; the reviewer opens the old link and decides.
    expect((await emailsTo(second.stack.urls.mailbox, request.destination.to[0]!)).map((e) => e.messageId)).toContain(request.messageId);
    expect((await openPage(link)).status).toBe(200);
    const decided = await fillAndSend(link, { decision: 'favorable', relevance: 5, feasibility: 4, partnership: 4, impact: 5 });
    expect(decided.status).toBe(200);

    const inCommittee = await waitForStatus(trackingUrl, 'IN_COMMITTEE');
    expect(inCommittee).toMatchObject({ id, history: [{ status: 'SUBMITTED' }, { status: 'IN_REVIEW' }, { status: 'IN_COMMITTEE' }] });
    await waitForEmail(second.stack.urls.mailbox, { to: 'copresidence.fr@example.org', subject: `Décision du comité mixte attendue — ${body.project.title}` });
    await waitForEmail(second.stack.urls.mailbox, { to: 'copresidence.ma@example.org', subject: `Décision du comité mixte attendue — ${body.project.title}` });
  });
});
