// How closely one variant's logits track another's: top-1 agreement and the largest logit gap.

import { WhittleError } from '@whittle/datasets';
import { argmaxRows } from './argmax.ts';

/** Agreement of `logits` with `baseline` (same shape): share of rows with the same top-1, and max |Δlogit|. */
export function logitAgreement(logits: Float32Array, baseline: Float32Array, numClasses: number): { topOne: number; maxAbsLogitDiff: number } {
  if (logits.length !== baseline.length) {
    throw new WhittleError('INVALID_ARGUMENT', `Arguments 'logits' and 'baseline' passed to 'logitAgreement' must have the same length; got ${logits.length} and ${baseline.length}`);
  }
  const a = argmaxRows(logits, numClasses);
  const b = argmaxRows(baseline, numClasses);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  let maxAbsLogitDiff = 0;
  for (let i = 0; i < logits.length; i++) {
    const d = Math.abs((logits[i] as number) - (baseline[i] as number));
    // NaN must not vanish in Math.max-style comparisons: a NaN logit is the worst possible disagreement.
    if (Number.isNaN(d)) {
      maxAbsLogitDiff = Infinity;
      break;
    }
    if (d > maxAbsLogitDiff) maxAbsLogitDiff = d;
  }
  return { topOne: a.length === 0 ? 1 : same / a.length, maxAbsLogitDiff };
}
