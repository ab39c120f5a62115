import * as z from 'zod';
import type { CallRecord } from '../../shared/domain/application.ts';
import { type FoundIssue, NotFoundError, ValidationError } from '../../shared/domain/errors.ts';
import { coChairSchema, reviewerSchema } from '../../shared/schemas/call.ts';
import type { CoChair, CoChairSide, Reviewer } from '../../shared/schemas/call.ts';
import { parseOrThrow } from '../../shared/use-cases/validate.ts';
import type { AdminPorts } from './context.ts';

type Ports = Pick<AdminPorts, 'repository'>;

async function existingCall({ repository }: Ports, callId: string): Promise<CallRecord> {
  const call = await repository.getCall(callId);
  if (!call) throw new NotFoundError(`call ${callId} not found (calls list shows them)`);
  return call;
}

/** A roster file: a list of reviewers, or `{ reviewers: [...] }`. */
const rosterSchema = z
  .preprocess(
    (input) => (input !== null && typeof input === 'object' && !Array.isArray(input) && 'reviewers' in input ? input.reviewers : input),
    z.array(reviewerSchema, { message: 'expected a list of reviewers (or { reviewers: [...] })' }).min(1, 'at least one reviewer'),
  )
  .superRefine((reviewers, ctx) => {
    const seen = new Set<string>();
    reviewers.forEach((r, i) => {
      const email = r.email.toLowerCase();
      if (seen.has(email)) ctx.addIssue({ code: 'custom', path: [i, 'email'], message: `${r.email} is listed twice` });
      seen.add(email);
    });
  });

export interface SetReviewersResult {
  reviewers: Reviewer[];
  added: string[];
  removed: string[];
}

/**
 * `reviewers set`: replaces the roster of a call.
 * 1. The call must exist; validate every reviewer (name, email, authority), no email twice.
 * 2. Replace the roster. Applications already assigned keep their reviewer; a removed reviewer
 *    is only spared future assignments.
 */
export async function setReviewers(ports: Ports, callId: string, input: unknown): Promise<SetReviewersResult> {
  await existingCall(ports, callId);
  const roster = parseOrThrow(rosterSchema, input, 'invalid reviewer roster');
  const before = new Set((await ports.repository.getRoster(callId)).map((r) => r.email.toLowerCase()));
  const after = new Set(roster.map((r) => r.email.toLowerCase()));
  await ports.repository.putRoster(callId, roster);
  return {
    reviewers: await listReviewers(ports, callId),
    added: [...after].filter((e) => !before.has(e)),
    removed: [...before].filter((e) => !after.has(e)),
  };
}

export async function listReviewers(ports: Ports, callId: string): Promise<Reviewer[]> {
  await existingCall(ports, callId);
  const roster = await ports.repository.getRoster(callId);
  return roster.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

/** `Hélène Mercier <h.mercier@example.org>` → name and email. */
export function parseNamedAddress(value: string): { name: string; email: string } | undefined {
  const match = /^\s*(.*?)\s*<\s*([^<>\s]+)\s*>\s*$/.exec(value);
  if (!match?.[1]) return undefined;
  return { name: match[1].replace(/^"(.*)"$/, '$1'), email: match[2] ?? '' };
}

export interface SetCoChairsResult {
  coChairs: CoChair[];
  /** Applications waiting for the committee: their pending links still go to the former co-chair. */
  pendingCommittee: string[];
}

/**
 * `cochairs set`: names the French and/or the Moroccan co-chair of a call.
 * 1. The call must exist; each value is `Name <email>`, validated with the co-chair schema.
 * 2. A side not given keeps its co-chair.
 * 3. Report the applications waiting for the committee: their open links stay with the former
 *    co-chair until `tasks resend` (which sends them to the current one).
 */
export async function setCoChairs(ports: Ports, callId: string, sides: Partial<Record<CoChairSide, string>>): Promise<SetCoChairsResult> {
  await existingCall(ports, callId);
  const given = Object.entries(sides).filter(([, v]) => v !== undefined) as Array<[CoChairSide, string]>;
  if (given.length === 0) throw new ValidationError('name at least one co-chair (--fr or --ma)');
  const issues: FoundIssue[] = [];
  const next = new Map((await ports.repository.getCoChairs(callId)).map((c) => [c.side, c]));
  for (const [side, value] of given) {
    const named = parseNamedAddress(value);
    const parsed = coChairSchema.safeParse({ side, ...named });
    if (!named) issues.push({ path: side, message: `expected "Name <email>", got "${value}"` });
    else if (!parsed.success) issues.push(...parsed.error.issues.map((i) => ({ ...i, path: [side, ...i.path] })));
    else next.set(side, parsed.data);
  }
  if (issues.length > 0) throw new ValidationError('invalid co-chair', issues);
  await ports.repository.putCoChairs(callId, [...next.values()]);
  const pendingCommittee: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await ports.repository.listApplications(callId, 'IN_COMMITTEE', { limit: 1000, ...(cursor ? { cursor } : {}) });
    pendingCommittee.push(...page.items.map((a) => a.id));
    cursor = page.cursor;
  } while (cursor);
  return { coChairs: await listCoChairs(ports, callId), pendingCommittee };
}

export async function listCoChairs(ports: Ports, callId: string): Promise<CoChair[]> {
  await existingCall(ports, callId);
  const coChairs = await ports.repository.getCoChairs(callId);
  return coChairs.sort((a, b) => a.side.localeCompare(b.side));
}
