import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../admin/cli.ts';
import type { Io } from '../../admin/command.ts';
import { readDiscovery, writeDiscovery } from '../../local/discovery.ts';
import { readMailbox } from '../../local/services.ts';
import { LOCAL_REGION } from '../../local/template.ts';
import { anApplication, linksIn, showStackLinesOnFailure, startTestStack, submit, type TestStack, waitForEmail, waitForStatus } from '../e2e/support.ts';

/**
 * The runbook's own scenario on the real local stack (`npm start`'s, started here): an admin opens
 * a call and names its co-chairs but forgets the roster; an application fails for want of a
 * reviewer; the admin fixes the roster and retries; the reviewer loses the email and gets a new
 * link; the call is exported. Every step through the CLI, every effect checked over HTTP and in
 * the mailbox, as people see it.
 */

let t: TestStack;
let cli: (...argv: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
const DAY = 24 * 3600 * 1000;

beforeAll(async () => {
  t = await startTestStack({ seed: false });
  const { stack } = t;
  // What local/stack.ts records once ready (the same call, kept here until it makes it).
  if (!(await readDiscovery(stack.dataDir))) {
    await writeDiscovery(stack.dataDir, {
      pid: process.pid,
      apiUrl: stack.urls.api,
      mailboxUrl: stack.urls.mailbox,
      dynamodbEndpoint: stack.urls.dynamodb,
      sfnEndpoint: stack.urls.stepFunctions,
      tableName: stack.tableName,
      stateMachineArn: stack.template.stateMachine.arn,
      region: LOCAL_REGION,
    });
  }
  cli = async (...argv) => {
    let stdout = '';
    let stderr = '';
    const io: Io = {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: { DATA_DIR: t.dataDir },
      cwd: t.dataDir,
    };
    return { code: await run(argv, io), stdout, stderr };
  };
}, 120_000);
afterAll(async () => {
  await t?.dispose();
});

describe('running the fund on the local stack', { timeout: 120_000 }, () => {
  it('opens a call, recovers a failed application, resends a lost link and exports the call', async () => {
    showStackLinesOnFailure(() => t.lines);
    const api = t.stack.urls.api;
    const mailbox = t.stack.urls.mailbox.replace(/\/$/, '');
    const now = Date.now();
    const call = {
      id: 'RUNBOOK-1',
      title: 'Appel à projets — répétition du runbook',
      opensAt: new Date(now - DAY).toISOString(),
      closesAt: new Date(now + 30 * DAY).toISOString(),
      themes: [{ code: 'eau', label: 'Eau et stress hydrique' }],
      durationMonths: { min: 12, max: 36 },
      cofinancingCeiling: 0.5,
      grant: { min: 10_000, max: 150_000 },
      envelope: 300_000,
    };
    await writeFile(join(t.dataDir, 'call.json'), JSON.stringify(call));
    expect(await cli('calls', 'put', 'call.json')).toMatchObject({ code: 0, stdout: expect.stringContaining('call RUNBOOK-1 created') });
    expect(
      (
        await cli(
          'cochairs',
          'set',
          '--call',
          'RUNBOOK-1',
          '--fr',
          'Hélène Mercier <copresidence.fr@example.org>',
          '--ma',
          'Karim Bennani <copresidence.ma@example.org>',
        )
      ).code,
    ).toBe(0);
    expect((await cli('calls', 'list')).stdout).toMatch(/^RUNBOOK-1\s+yes\s+/m);

    // No roster yet: the workflow fails at AssignReviewer and the application is in ERROR.
    const body = anApplication(call);
    const { id, trackingUrl } = await submit(api, body);
    await waitForStatus(trackingUrl, 'ERROR');
    const lead = body.leadAuthority.contact.email;
    await waitForEmail(mailbox, { to: lead, subject: /reçu/i });
    const failed = await cli('applications', 'list', '--call', 'RUNBOOK-1', '--status', 'ERROR');
    expect(failed.stdout).toMatch(new RegExp(`^${id}\\s+`, 'm'));
    expect((await cli('applications', 'show', id)).stdout).toMatch(/^Error\s+NoReviewerAvailableError/m);

    // The admin names the reviewers, then retries: the workflow runs again, without a second receipt.
    await writeFile(join(t.dataDir, 'roster.yaml'), '- { name: Camille Laurent, email: camille.laurent@example.org, authority: DAECT }\n');
    expect((await cli('reviewers', 'set', '--call', 'RUNBOOK-1', 'roster.yaml')).code).toBe(0);
    const retried = await cli('executions', 'retry', id);
    expect(retried).toMatchObject({
      code: 0,
      stdout: `application ${id} had failed in SUBMITTED (NoReviewerAvailableError): back to SUBMITTED, execution ${id}-r1 started\n`,
    });
    const tracking = await waitForStatus(trackingUrl, 'IN_REVIEW');
    expect(tracking.history.map((e) => e.status)).toEqual(['SUBMITTED', 'ERROR', 'SUBMITTED', 'IN_REVIEW']);
    const first = await waitForEmail(mailbox, { to: 'camille.laurent@example.org', subject: /instruction/i });
    const receipts = (await readMailbox(mailbox)).filter((e) => e.destination.to.includes(lead) && /reçu/i.test(e.subject));
    expect(receipts).toHaveLength(1);

    // The reviewer lost that email: a fresh link; the first one is gone (410), the new one opens.
    const oldLink = linksIn(first).find((l) => l.includes('/tasks/'))!;
    expect((await fetch(oldLink)).status).toBe(200);
    const resent = await cli('tasks', 'resend', id);
    expect(resent.code).toBe(0);
    expect(resent.stdout).toMatch(/^review: new link sent to camille\.laurent@example\.org/);
    const second = await waitForEmail(mailbox, { to: 'camille.laurent@example.org', subject: /instruction/i, not: new Set([first.messageId]) });
    const newLink = linksIn(second).find((l) => l.includes('/tasks/'))!;
    expect(newLink).not.toBe(oldLink);
    expect((await fetch(oldLink)).status).toBe(410);
    expect((await fetch(newLink)).status).toBe(200);

    // The committee's spreadsheet.
    const exported = await cli('export', '--call', 'RUNBOOK-1');
    expect(exported.code).toBe(0);
    expect(exported.stdout.startsWith('\uFEFFRéférence,')).toBe(true);
    expect(exported.stdout).toContain(`${id},IN_REVIEW,`);
  });
});
