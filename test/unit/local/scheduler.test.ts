import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalSchedule, parseRate, scheduledEvent, schedulesOf, startScheduler } from '../../../local/scheduler.ts';
import type { CfnResource } from '../../../local/template.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopfund-scheduler-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rule = (expression: string, target = 'SendRemindersFn', state = 'ENABLED'): CfnResource => ({
  Type: 'AWS::Events::Rule',
  Properties: { ScheduleExpression: expression, State: state, Targets: [{ Arn: { 'Fn::GetAtt': [target, 'Arn'] }, Id: 'Target0' }] },
});
const fn: CfnResource = { Type: 'AWS::Lambda::Function', Properties: {} };

describe('scheduled rules of the template', () => {
  it('reads EventBridge rates as EventBridge does, and refuses what it would refuse', () => {
    expect(parseRate('rate(1 minute)')).toBe(60_000);
    expect(parseRate('rate(15 minutes)')).toBe(900_000);
    expect(parseRate('rate(1 hour)')).toBe(3_600_000);
    expect(parseRate('rate(2 days)')).toBe(172_800_000);
    for (const bad of ['rate(1 minutes)', 'rate(2 hour)', 'rate(0 minutes)', 'rate(-1 hours)', 'rate(1.5 hours)', 'cron(0 * * * ? *)', 'every hour']) {
      expect(() => parseRate(bad), bad).toThrow(/local scheduler/);
    }
  });

  it('finds each enabled rule with a schedule and the functions it invokes', () => {
    const resources = {
      Hourly: rule('rate(1 hour)'),
      Off: rule('rate(1 hour)', 'SendRemindersFn', 'DISABLED'),
      Pattern: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['aws.s3'] } } },
      SendRemindersFn: fn,
    };
    expect(schedulesOf(resources)).toEqual([{ logicalId: 'Hourly', expression: 'rate(1 hour)', periodMs: 3_600_000, targets: ['SendRemindersFn'] }]);
    expect(() => schedulesOf({ Hourly: rule('rate(1 hour)', 'Nowhere') })).toThrow(/targets something else/);
  });

  it('sends the event EventBridge sends', () => {
    const event = scheduledEvent('Hourly', new Date('2027-03-24T10:00:00.123Z'));
    expect(event).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2027-03-24T10:00:00Z', detail: {} });
    expect(event.resources[0]).toMatch(/^arn:aws:events:[a-z0-9-]+:\d{12}:rule\/Hourly$/);
  });
});

describe('the local scheduler', () => {
  const schedule: LocalSchedule = { logicalId: 'Hourly', expression: 'rate(1 hour)', periodMs: 3_600_000, targets: ['SendRemindersFn'] };
  const calls: Array<{ target: string; event: unknown }> = [];
  const invoke = async (target: string, event: unknown) => {
    calls.push({ target, event });
  };
  beforeEach(() => {
    calls.length = 0;
  });
  const until = async (condition: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('runs each rule every period (shortened locally), keeping its last run in a file', async () => {
    const stateFile = join(dir, 'schedules.json');
    const scheduler = await startScheduler({ schedules: [schedule], invoke, stateFile, periodMs: 50 });
    await until(() => calls.length >= 2);
    await scheduler.stop();
    expect(calls.every((c) => c.target === 'SendRemindersFn')).toBe(true);
    const kept = JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, string>;
    expect(Date.parse(kept.Hourly ?? '')).toBeGreaterThan(Date.now() - 5_000);
    const count = calls.length;
    await new Promise((r) => setTimeout(r, 120));
    expect(calls.length, 'nothing runs once stopped').toBe(count);
  });

  it('after a restart, runs a rule whose period passed while it was down at once, and one that did not only when due', async () => {
    const stateFile = join(dir, 'schedules.json');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const aMinuteAgo = new Date(Date.now() - 60_000).toISOString();
    await writeFile(stateFile, JSON.stringify({ Hourly: twoHoursAgo, Recent: aMinuteAgo }));
    const recent = { ...schedule, logicalId: 'Recent', targets: ['OtherFn'] };
    const scheduler = await startScheduler({ schedules: [schedule, recent], invoke, stateFile });
    await until(() => calls.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    await scheduler.stop();
    expect(calls.map((c) => c.target)).toEqual(['SendRemindersFn']);
    expect(scheduler.lastRuns().Recent).toBe(aMinuteAgo);
  });

  it('survives a failing target and an unreadable state file; `run` fires a rule on demand', async () => {
    const stateFile = join(dir, 'schedules.json');
    await writeFile(stateFile, '{ not json');
    const lines: string[] = [];
    let attempts = 0;
    const scheduler = await startScheduler({
      schedules: [schedule],
      stateFile,
      log: (line) => lines.push(line),
      invoke: async () => {
        attempts += 1;
        throw new Error('boom');
      },
    });
    await scheduler.run('Hourly');
    await scheduler.run('Hourly');
    await scheduler.stop();
    expect(attempts).toBe(2);
    expect(lines.some((l) => l.includes('SendRemindersFn failed: boom'))).toBe(true);
    await expect(scheduler.run('Nope')).rejects.toThrow(/no scheduled rule Nope/);
  });
});
