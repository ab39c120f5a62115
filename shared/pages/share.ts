import { cofinancingShare } from '../domain/eligibility.ts';
import { formNumber } from '../text/dotted-fields.ts';
import { fill, formatEuros, formatPercent } from '../i18n/format.ts';
import type { Catalogue } from '../i18n/fr.ts';
import type { Call } from '../schemas/call.ts';

/** The rules of a call the fields explain (its bounds) and the share is compared with. */
export type CallRules = Pick<Call, 'closesAt' | 'themes' | 'durationMonths' | 'cofinancingCeiling' | 'grant'>;

/** The co-financing share as typed so far, with the call's ceiling, or an invitation to type. */
export function shareText(
  t: Pick<Catalogue, 'meta' | 'form'>,
  totalCost: unknown,
  requested: unknown,
  rules?: Pick<CallRules, 'cofinancingCeiling'>,
): { text: string; share?: number; over: boolean } {
  const total = typeof totalCost === 'number' ? totalCost : formNumber(String(totalCost ?? ''));
  const asked = typeof requested === 'number' ? requested : formNumber(String(requested ?? ''));
  if (typeof total !== 'number' || typeof asked !== 'number' || total <= 0 || asked <= 0) return { text: t.form.shareUnknown, over: false };
  const share = cofinancingShare({ totalCost: total, requestedAmount: asked });
  let text = fill(t.form.shareValue, { share: formatPercent(t, share) });
  let over = false;
  if (rules) {
    const ceiling = formatPercent(t, rules.cofinancingCeiling);
    over = asked > Math.floor(total * rules.cofinancingCeiling);
    text += ` ${
      over ? fill(t.form.shareOver, { ceiling, max: formatEuros(t, Math.floor(total * rules.cofinancingCeiling)) }) : fill(t.form.shareWithin, { ceiling })
    }`;
  }
  return { text, share, over };
}
