import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoRepository } from '../shared/adapters/dynamodb-repository.ts';
import type { Repository } from '../shared/ports/index.ts';
import { callSchema, coChairSchema, reviewerSchema } from '../shared/schemas/call.ts';
import type { Call, CoChair, Reviewer } from '../shared/schemas/call.ts';
import { ar, type Catalogue, en, fr } from '../shared/i18n/index.ts';
import { localCredentials } from './services.ts';

/**
 * The demo data of the local stack: two calls open now, each with its reviewer roster and both
 * co-chairs. `DEMO-<year>` is a call as the fund ran them before the joint dossier (a French
 * envelope in EUR, filed in one go); `DEMO-<year>-CONJOINT` is the joint dossier's call (both
 * envelopes, the Moroccan one in MAD at a frozen rate, budget rules, the partner's confirmation).
 * Idempotent: what exists is never overwritten (a restart keeps the envelopes and any edit).
 */

/** The themes of the fund's calls, labelled in the three languages (the catalogues' names of the usual codes). */
export const demoThemes: Call['themes'] = Object.keys(fr.themes).map((code) => {
  const label = (lang: Catalogue) => (lang.themes as Record<string, string>)[code] ?? code;
  return { code, label: { fr: label(fr), ar: label(ar), en: label(en) } };
});

/** `DEMO-<year>`, open for the whole calendar year (UTC), so it is open whenever the demo runs. */
export function demoCall(now: Date = new Date()): Call {
  const year = now.getUTCFullYear();
  return callSchema.parse({
    id: `DEMO-${year}`,
    title: {
      fr: `Appel à projets ${year} (démonstration) — coopération décentralisée franco-marocaine`,
      ar: `طلب مشاريع ${year} (للعرض) — التعاون اللامركزي المغربي الفرنسي`,
      en: `Call for projects ${year} (demonstration) — French-Moroccan decentralised cooperation`,
    },
    opensAt: `${year}-01-01T00:00:00.000Z`,
    closesAt: `${year + 1}-01-01T00:00:00.000Z`,
    themes: demoThemes,
    durationMonths: { min: 12, max: 36 },
    cofinancingCeiling: 0.5,
    grant: { min: 10_000, max: 150_000 },
    envelope: 300_000,
  });
}

/**
 * `DEMO-<year>-CONJOINT`, open for the whole calendar year like `DEMO-<year>`: the joint dossier's
 * call. A French envelope of 400 000 € and a Moroccan one of 4 320 000 MAD (400 000 € at 10.8 MAD
 * for 1 €), each side's grant bounds, the lead's own share at least 10 % of the cost (at most half
 * of it in kind), and the partner confirming each request to file within 10 days.
 */
export function demoJointCall(now: Date = new Date()): Call {
  const first = demoCall(now);
  const year = now.getUTCFullYear();
  return callSchema.parse({
    ...first,
    id: `${first.id}-CONJOINT`,
    title: {
      fr: `Appel à projets ${year} (démonstration) — dossier conjoint, deux enveloppes`,
      ar: `طلب مشاريع ${year} (للعرض) — ملف مشترك بغلافين ماليين`,
      en: `Call for projects ${year} (demonstration) — joint dossier, two envelopes`,
    },
    cofinancingCeiling: 0.8,
    envelope: 400_000,
    envelopes: { FR: { amount: 400_000, currency: 'EUR' }, MA: { amount: 4_320_000, currency: 'MAD' } },
    madPerEur: 10.8,
    grants: { FR: first.grant, MA: { min: 50_000, max: 1_620_000 } },
    minLeadShare: 0.1,
    maxInKindShare: 0.5,
    partnerConfirmationDays: 10,
    requirePartnerConfirmation: true,
  });
}

/** The instructeurs: one per ministry's delegation and one from a region, so conflicts can be shown. */
export const demoReviewers: Reviewer[] = [
  { name: 'Camille Laurent', email: 'camille.laurent@example.org', authority: 'DAECT — ministère de l’Europe et des Affaires étrangères' },
  { name: 'Youssef El Amrani', email: 'youssef.elamrani@example.org', authority: 'DGCT — ministère de l’Intérieur' },
  { name: 'Claire Fontaine', email: 'claire.fontaine@example.org', authority: 'Région Occitanie' },
].map((r) => reviewerSchema.parse(r));

export const demoCoChairs: CoChair[] = [
  { side: 'FR', name: 'Hélène Mercier', email: 'copresidence.fr@example.org' },
  { side: 'MA', name: 'Karim Bennani', email: 'copresidence.ma@example.org' },
].map((c) => coChairSchema.parse(c));

export interface SeededCall {
  callId: string;
  /** What this run wrote (nothing: all of it was there). */
  created: Array<'call' | 'roster' | 'co-chairs'>;
}

/** `DEMO-<year>` (`callId`, `created`) and the joint dossier's call (`joint`). */
export interface SeedResult extends SeededCall {
  joint: SeededCall;
}

/** One call with the demo roster and co-chairs, each written only if it is not there. */
async function seedCall(repository: Repository, call: Call): Promise<SeededCall> {
  const created: SeededCall['created'] = [];
  if (!(await repository.getCall(call.id))) {
    await repository.putCall(call);
    created.push('call');
  }
  if ((await repository.getRoster(call.id)).length === 0) {
    await repository.putRoster(call.id, demoReviewers);
    created.push('roster');
  }
  if ((await repository.getCoChairs(call.id)).length === 0) {
    await repository.putCoChairs(call.id, demoCoChairs);
    created.push('co-chairs');
  }
  return { callId: call.id, created };
}

/** Seeds through the repository: the same writes, keys and bookkeeping as production code. */
export async function seedDemo(repository: Repository, now: Date = new Date()): Promise<SeedResult> {
  const first = await seedCall(repository, demoCall(now));
  return { ...first, joint: await seedCall(repository, demoJointCall(now)) };
}

/** A repository on the local table, for the seed and for tests that arrange data as an admin would. */
export function localRepository(endpoint: string, region: string, tableName: string): { repository: Repository; close(): void } {
  const client = new DynamoDBClient({ endpoint, region, credentials: localCredentials });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { repository: dynamoRepository(doc, tableName), close: () => client.destroy() };
}
