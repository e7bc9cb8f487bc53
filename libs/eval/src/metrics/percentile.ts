// Percentiles by linear interpolation between closest ranks (numpy's default 'linear' method).

import { WhittleError } from '@whittle/datasets';

/**
 * The `q`-th percentile (0..100) of `values`, interpolating linearly between the two closest ranks:
 * position (n - 1) * q / 100 in the sorted values, as numpy.percentile does by default.
 * Interpolation rather than nearest-rank keeps p95 of a short run from jumping to the single slowest sample.
 * @example percentile([1, 2, 3, 4], 50) // 2.5
 */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new WhittleError('INVALID_ARGUMENT', `Argument 'values' passed to 'percentile' must not be empty`);
  if (!(q >= 0 && q <= 100)) throw new WhittleError('INVALID_ARGUMENT', `Argument 'q' passed to 'percentile' must be in [0, 100]; got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const pos = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}
