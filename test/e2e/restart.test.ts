import { writeFile } from 'node:fs/promises';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDiscovery } from '../../local/discovery.ts';
import { schedulesOf } from '../../local/scheduler.ts';
import { localCredentials } from '../../local/services.ts';
import { localRepository } from '../../local/seed.ts';
import { LOCAL_REGION } from '../../local/template.ts';
import { pathTo } from '../../shared/catalogue/routes.ts';
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

  it('keeps the documents: the S3 endpoint is in stack.json, and what was stored is there after the restart', async () => {
    showStackLinesOnFailure(() => stacks.flatMap((s, i) => [`--- stack ${i + 1} ---`, ...s.lines]));
    const first = await startTestStack();
    stacks.push(first);
    const info = await readDiscovery(first.dataDir);
    expect(info).toMatchObject({ s3Endpoint: first.stack.urls.s3, documentsBucket: first.stack.documentsBucket });
    const client = () => new S3Client({ endpoint: first.stack.urls.s3, forcePathStyle: true, region: LOCAL_REGION, credentials: localCredentials });
    const before = client();
    const key = 'applications/restart/doc-1';
    await before.send(new PutObjectCommand({ Bucket: first.stack.documentsBucket, Key: key, Body: '%PDF-1.7 restart', ContentType: 'application/pdf' }));
    before.destroy();

    await first.stop();
    const second = await startTestStack({ dataDir: first.dataDir, s3Port: first.stack.ports.s3 });
    stacks.push(second);
    expect(second.stack.urls.s3).toBe(first.stack.urls.s3);
    const after = client();
    const got = await after.send(new GetObjectCommand({ Bucket: second.stack.documentsBucket, Key: key }));
    expect(await got.Body?.transformToString()).toBe('%PDF-1.7 restart');
    after.destroy();
  });

  it('runs the template’s hourly sweep: one missed while the stack was down runs as it comes back, and reminds once', async () => {
    showStackLinesOnFailure(() => stacks.flatMap((s, i) => [`--- stack ${i + 1} ---`, ...s.lines]));
    const first = await startTestStack();
    stacks.push(first);
    // A call closing in three days (the week's reminder is due), and a draft the lead started.
    const demo = await demoCallOf(first);
    const { repository, close } = localRepository(first.stack.urls.dynamodb, LOCAL_REGION, first.stack.tableName);
    const callId = `CLOT-${Date.now().toString(36)}`;
    try {
      const { committed: _c, awarded: _a, ...definition } = (await repository.getCall(demo.id))!;
      await repository.putCall({ ...definition, id: callId, closesAt: new Date(Date.now() + 3 * 24 * 3600_000).toISOString() });
    } finally {
      close();
    }
    const { leadAuthority } = anApplication({ ...demo, id: callId });
    const created = await fetch(`${first.stack.urls.api}${pathTo('createDraft')}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ callId, leadAuthority }),
    });
    expect(created.status).toBe(201);
    const [rule] = schedulesOf(first.stack.template.resources);
    expect(rule).toMatchObject({ expression: 'rate(1 hour)' });
    await first.stop();

    // Down for two hours: the sweep's period passed meanwhile (its last run is kept in the data folder).
    const state = join(first.dataDir, 'schedules.json');
    await writeFile(state, JSON.stringify({ [rule!.logicalId]: new Date(Date.now() - 2 * 3600_000).toISOString() }));
    const second = await startTestStack({ dataDir: first.dataDir });
    stacks.push(second);
    const reminder = await waitForEmail(second.stack.urls.mailbox, {
      to: leadAuthority.contact.email,
      subject: /^Clôture de l’appel dans 7 jours : dossier non déposé/,
    });
    expect(reminder.body.text).toMatch(/\/drafts\/[A-Za-z0-9_-]+\?sig=/);
    expect(Date.parse(second.stack.scheduler.lastRuns()[rule!.logicalId] ?? '')).toBeGreaterThan(Date.now() - 60_000);

    // Another run (the next hour's) sends nothing more.
    await second.stack.scheduler.run(rule!.logicalId);
    expect(await emailsTo(second.stack.urls.mailbox, leadAuthority.contact.email, /^Clôture de l’appel/)).toHaveLength(1);
  });
});
