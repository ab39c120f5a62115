import { isCallOpen } from '../domain/eligibility.ts';
import type { Clock, Repository } from '../ports/index.ts';
import type { Call } from '../schemas/call.ts';

/** A call as the public sees it: its rules, not its bookkeeping (`committed`, `awarded`). */
export type PublicCall = Call;

/**
 * GET /calls.
 * 1. List every call (one Query on the calls index).
 * 2. Keep those open now; show only the contract's fields, closing soonest first.
 */
export async function listCalls({ repository, clock }: { repository: Repository; clock: Clock }): Promise<PublicCall[]> {
  const now = clock.now();
  return (await repository.listCalls())
    .filter((call) => isCallOpen(call, now))
    .sort((a, b) => a.closesAt.localeCompare(b.closesAt))
    .map((c) => ({
      id: c.id,
      title: c.title,
      opensAt: c.opensAt,
      closesAt: c.closesAt,
      themes: c.themes.map((t) => ({ code: t.code, label: t.label })),
      durationMonths: { min: c.durationMonths.min, max: c.durationMonths.max },
      cofinancingCeiling: c.cofinancingCeiling,
      grant: { min: c.grant.min, max: c.grant.max },
      envelope: c.envelope,
    }));
}
