// Percentile calibration math: quantiles read off a histogram, and the clipped range of a tensor.

import type { TensorRange } from '../quantize/tensor-ranges.ts';
import type { Histogram } from './histogram.ts';

/**
 * The q-quantile (0 <= q <= 1) of the values counted in `histogram`, interpolated linearly inside
 * the bin where the cumulative count reaches q * total (values are taken as spread evenly over a
 * bin), so the error is below one bin width. NaN for an empty histogram.
 */
export function histogramQuantile(histogram: Histogram, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1]; got ${q}`);
  const { counts } = histogram;
  const total = histogram.total;
  if (total === 0) return NaN;
  const target = q * total;
  let cumulative = 0;
  let last = 0;
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k] as number;
    if (c === 0) continue;
    if (cumulative + c >= target) return histogram.edge(k) + ((target - cumulative) / c) * histogram.width;
    cumulative += c;
    last = k;
  }
  return histogram.edge(last + 1); // q = 1 with rounding in the running sum
}

/**
 * The range keeping `percentile`% of a tensor's values, given their histogram (of x, not |x|) and
 * the exact min/max seen; the result is always inside [min, max].
 * - Non-negative tensors (min >= 0: ReLU outputs, pools of them): [min, p-th percentile]. Only the
 *   top is clipped: quantization keeps 0 in the range anyway, so the low tail buys nothing.
 * - Signed tensors: the (100 - p) / 2 % tails are cut on each side.
 * onnxruntime's PercentileCalibrater (symmetric=True) takes instead the p-th percentile of |x| and
 * returns [-t, t]. Here the range stays asymmetric, and when the activations are configured
 * symmetric, activationParams widens it to [-a, a] with a = max(|low|, |high|): the larger of the
 * two one-sided (100 + p) / 2 % percentiles, slightly wider than onnxruntime's t for skewed tensors.
 */
export function percentileRange(histogram: Histogram, observed: TensorRange, percentile: number): TensorRange {
  if (!(percentile > 0 && percentile <= 100)) throw new RangeError(`percentile must be in (0, 100]; got ${percentile}`);
  const { min, max } = observed;
  const clamp = (v: number): number => Math.min(max, Math.max(min, v));
  if (min >= 0) return { min, max: clamp(histogramQuantile(histogram, percentile / 100)) };
  const tail = (100 - percentile) / 200;
  return { min: clamp(histogramQuantile(histogram, tail)), max: clamp(histogramQuantile(histogram, 1 - tail)) };
}
