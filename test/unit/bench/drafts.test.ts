import { describe, expect, it } from 'vitest';
import { callCount, type DraftsResult, fromFirstWrite, itemKind, type RoundTrip, sequentialRoundTrips } from '../../../bench/drafts.ts';
import { bundleGrowth, type BundleSize } from '../../../bench/lib/bundle-sizes.ts';
import { draftVerdicts } from '../../../bench/report.ts';
import { summarize } from '../../../bench/lib/stats.ts';

/** The arithmetic behind the drafts section of BENCHMARKS.md: a wrong count would publish a met target. */

const trip = (what: string, start: number, end: number): RoundTrip => ({ what, start, end });

describe('sequential round trips', () => {
  it('counts calls made one after the other, each once the previous one ended', () => {
    const trips = [trip('GetItem draft', 0, 2), trip('GetItem call', 2, 4), trip('UpdateItem draft', 5, 7), trip('PutItem draft event', 7.5, 9)];
    expect(sequentialRoundTrips(trips).count).toBe(4);
    expect(callCount(trips)).toEqual({ operations: trips.map((t) => t.what), sequential: 4, chain: trips.map((t) => t.what) });
  });

  it('counts calls in flight together once: the longest chain, whatever the order they are given in', () => {
    // The draft and the call read together, then one write: two round trips on the path.
    const parallel = [trip('UpdateItem draft', 5, 8), trip('GetItem call', 0.1, 4), trip('GetItem draft', 0, 3)];
    const { count, chain } = sequentialRoundTrips(parallel);
    expect(count).toBe(2);
    expect(chain.at(-1)?.what).toBe('UpdateItem draft');
    expect(callCount(parallel).operations).toEqual(['GetItem draft', 'GetItem call', 'UpdateItem draft']);
  });

  it('follows the longest chain, not the first one found', () => {
    // A long call beside two short ones made in turn: the two short ones are the path.
    const trips = [trip('Query', 0, 10), trip('GetItem a', 0, 4), trip('GetItem b', 5, 9), trip('PutItem', 10, 12)];
    expect(sequentialRoundTrips(trips).chain.map((t) => t.what)).toEqual(['GetItem a', 'GetItem b', 'PutItem']);
    expect(sequentialRoundTrips([]).count).toBe(0);
  });

  it('takes the filing from its first write on: the reads that check before it are the confirmation’s', () => {
    const confirmation = [
      trip('GetItem draft', 0, 2),
      trip('GetItem call', 2, 4),
      trip('PutItem application', 5, 7),
      trip('UpdateItem draft', 5.1, 7.2),
      trip('GetItem application', 5.2, 6),
      trip('StartExecution', 8, 9),
    ];
    const filing = fromFirstWrite(confirmation);
    expect(filing.map((t) => t.what)).toEqual(['PutItem application', 'UpdateItem draft', 'GetItem application', 'StartExecution']);
    expect(sequentialRoundTrips(filing).count).toBe(2);
    expect(sequentialRoundTrips(confirmation).count).toBe(4);
  });

  it('names the item a call touches from its key', () => {
    expect(itemKind('DRAFT#abc', 'DRAFT')).toBe('draft');
    expect(itemKind('DRAFT#abc', 'EVENT#000002')).toBe('draft event');
    expect(itemKind('APP#abc', 'EVENT#2027-01-01T00:00:00.000Z#001')).toBe('application event');
    expect(itemKind('CALL#2027-T1', 'CALL')).toBe('call');
    expect(itemKind(undefined, undefined)).toBe('item');
  });
});

const size = (name: string, bytes: number, contributors: Record<string, number> = {}): BundleSize => ({
  name,
  bytes,
  contributors: Object.entries(contributors).map(([n, b]) => ({ name: n, bytes: b })),
});

describe('bundle growth against a baseline', () => {
  it('is met at 10 % exactly and missed just above, naming what grew; a new function has no ratio', () => {
    const baseline = [size('health', 1000, { zod: 500, 'shared/http': 500 }), size('list-calls', 1000, { zod: 600, 'shared/http': 400 })];
    const current = [
      size('health', 1100, { zod: 500, 'shared/http': 600 }),
      size('list-calls', 1101, { zod: 600, 'shared/http': 400, 'shared/i18n': 101 }),
      size('drafts', 5000),
    ];
    const growth = bundleGrowth(current, baseline, 0.1);
    expect(growth.met).toBe(false);
    expect(growth.rows.map((r) => [r.name, r.over])).toEqual([
      ['health', false],
      ['list-calls', true],
      ['drafts', false],
    ]);
    expect(growth.rows[1]?.growth).toBeCloseTo(0.101, 6);
    expect(growth.rows[1]?.grew).toEqual([{ name: 'shared/i18n', bytes: 101 }]);
    expect([growth.rows[2]?.baselineBytes, growth.rows[2]?.growth]).toEqual([undefined, undefined]);
    expect(bundleGrowth(current.slice(0, 1), baseline, 0.1)).toMatchObject({ met: true, removed: ['list-calls'] });
  });

  it('a bundle that shrank is met', () => {
    expect(bundleGrowth([size('health', 900)], [size('health', 1000)], 0.1).met).toBe(true);
  });
});

describe('the drafts verdicts', () => {
  const result = (save: number, bare: number, sequential: number, growth: number): DraftsResult => {
    const grown = bundleGrowth([size('health', Math.round(1000 * (1 + growth)))], [size('health', 1000)], 0.1);
    const calls = { operations: ['GetItem draft'], sequential, chain: ['GetItem draft'] };
    return {
      save: {
        rounds: 1,
        warmup: 0,
        dossierBytes: 1,
        costLines: 30,
        fundingSources: 6,
        draftSave: summarize([save]),
        bareUpdate: summarize([bare]),
        calls,
      },
      filing: { filings: 1, confirmMs: summarize([1]), calls, request: calls, sequentialSeen: [sequential] },
      bundles: { baseline: { commit: 'ba555cc', measuredAt: '', commitDate: '', esbuild: '', node: '', how: '' }, esbuild: '', growth: grown },
    };
  };
  const marks = (r: DraftsResult) => draftVerdicts(r).map((row) => row[2]);

  it('says met only within every target', () => {
    expect(marks(result(1.3, 1, 2, 0.1))).toEqual(['✅ met', '✅ met', '✅ met']);
    expect(marks(result(1.31, 1, 3, 0.11))).toEqual(['❌ missed', '❌ missed', '❌ missed']);
  });

  it('is missed when any filing took more round trips than the first', () => {
    const r = result(1, 1, 2, 0);
    r.filing.sequentialSeen = [2, 3];
    expect(marks(r)[1]).toBe('❌ missed');
  });
});
