// Entropy (KL-divergence) calibration math: the clipping threshold that loses the least information when quantized.

import type { TensorRange } from '../quantize/tensor-ranges.ts';
import type { Histogram } from './histogram.ts';

/**
 * The algorithm (Migacz, "8-bit Inference with TensorRT", GTC 2017; MXNet's and onnxruntime's
 * calibrate code follow it), on a histogram `counts` of |x| whose bins start at 0:
 *   for each candidate threshold i (in bins) from targetBins to the last non-empty bin + 1:
 *     P = counts[0 .. i-1], with every count beyond the threshold added to P[i-1] (clipped values
 *         saturate to the threshold);
 *     Q = counts[0 .. i-1] merged into `targetBins` groups of floor(i / targetBins) bins (the last
 *         group takes the remainder): what quantization to targetBins levels keeps; each group's
 *         count is spread evenly over the bins of the group where P is non-zero (0 where P is 0);
 *     both are smoothed (a count of 1e-4 moved onto empty bins, so KL stays finite) and
 *     KL(P || Q) = sum P log(P / Q) over the normalized distributions is computed;
 *   the threshold is the i with the smallest KL (the first one on ties).
 * Small i clips much (P's last bin becomes a spike Q cannot represent), large i spreads the levels
 * thin over rare values (Q blurs P's shape): the minimum balances clipping and rounding error.
 * Differences from onnxruntime's get_entropy_threshold: it searches a histogram of x symmetric
 * around 0 (the same thing for the |x| of a symmetric range), and it spreads a group's count over
 * all of its bins, P's zeros included; this follows MXNet/TensorRT (zeros of P stay zeros of Q).
 * Two preparations: trailing empty bins are dropped, so thresholds above the largest value are not
 * candidates; and bin 0 takes the count of bin 1, as NVIDIA's pytorch-quantization does
 * (_compute_amax_entropy). Why: after a ReLU about half of all values are exactly 0, a spike in
 * bin 0 that Q can only keep when a quantized level is a single bin wide, which would drag the
 * threshold down to targetBins bins (seen on half-normal ReLU outputs: 1.9 sigma instead of 4.0).
 * 0 is exactly representable whatever the threshold, so the spike carries no information here.
 * Cost: O(n^2 / 2) for n bins, about 2M steps for 2048.
 *
 * @returns the threshold as a bin count: the range kept is [0, i * bin width].
 */
export function klThresholdBins(counts: ArrayLike<number>, targetBins: number): number {
  if (!Number.isInteger(targetBins) || targetBins < 1) throw new RangeError(`targetBins must be a positive integer; got ${targetBins}`);
  let n = counts.length;
  while (n > 0 && (counts[n - 1] as number) === 0) n--;
  const h = Float64Array.from({ length: n }, (_, k) => counts[k === 0 && n > 1 ? 1 : k] as number);
  if (n <= targetBins) return n; // already no more bins than levels: nothing to gain by clipping
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  let outliers = 0;
  for (let k = n - 1; k >= targetBins; k--) outliers += h[k] as number; // beyond the first candidate
  let bestBins = n;
  let bestKl = Infinity;
  for (let i = targetBins; i <= n; i++) {
    if (i > targetBins) outliers -= h[i - 1] as number;
    for (let k = 0; k < i; k++) p[k] = h[k] as number;
    p[i - 1] = (p[i - 1] as number) + outliers;
    const merged = Math.floor(i / targetBins);
    for (let g = 0; g < targetBins; g++) {
      const start = g * merged;
      const stop = g === targetBins - 1 ? i : start + merged;
      let sum = 0;
      let nonZero = 0;
      for (let k = start; k < stop; k++) {
        sum += h[k] as number;
        if ((p[k] as number) !== 0) nonZero++;
      }
      const share = nonZero === 0 ? 0 : sum / nonZero;
      for (let k = start; k < stop; k++) q[k] = (p[k] as number) === 0 ? 0 : share;
    }
    const kl = smoothedKl(p, q, i);
    if (kl < bestKl) {
      bestKl = kl;
      bestBins = i;
    }
  }
  return bestBins;
}

const SMOOTHING = 1e-4;

/**
 * KL(P || Q) over the first `n` entries of two count vectors, after MXNet's _smooth_distribution:
 * each zero gets SMOOTHING and the non-zeros give that mass back evenly (totals are unchanged).
 * Infinity when a vector cannot be smoothed (all zeros, or so many zeros that a non-zero would go
 * negative). Computed in place: it runs once per candidate threshold.
 */
function smoothedKl(p: Float64Array, q: Float64Array, n: number): number {
  let pZeros = 0;
  let qZeros = 0;
  let pTotal = 0;
  let qTotal = 0;
  let pMin = Infinity;
  let qMin = Infinity;
  for (let k = 0; k < n; k++) {
    const pk = p[k] as number;
    const qk = q[k] as number;
    pTotal += pk;
    qTotal += qk;
    if (pk === 0) pZeros++;
    else if (pk < pMin) pMin = pk;
    if (qk === 0) qZeros++;
    else if (qk < qMin) qMin = qk;
  }
  if (pZeros === n || qZeros === n) return Infinity;
  const pTake = (SMOOTHING * pZeros) / (n - pZeros);
  const qTake = (SMOOTHING * qZeros) / (n - qZeros);
  if (pMin <= pTake || qMin <= qTake) return Infinity;
  let kl = 0;
  for (let k = 0; k < n; k++) {
    const pk = p[k] as number;
    const qk = q[k] as number;
    const ps = (pk === 0 ? SMOOTHING : pk - pTake) / pTotal;
    const qs = (qk === 0 ? SMOOTHING : qk - qTake) / qTotal;
    kl += ps * Math.log(ps / qs);
  }
  return kl;
}

/**
 * The entropy-calibrated range of a tensor, from a histogram of |x| starting at 0 (Histogram with
 * includeZero, fed with abs) and the exact min/max seen: [-t, t] for the KL threshold t, cut to
 * [min, max] - so a non-negative tensor gets [min, t]. The search uses `targetBins` levels (128,
 * the positive half of int8, in onnxruntime and TensorRT) even when asymmetric activations give a
 * non-negative tensor all 256: the threshold then errs on the side of clipping less.
 */
export function entropyRange(absHistogram: Histogram, observed: TensorRange, targetBins: number): TensorRange {
  if (absHistogram.low !== 0) throw new RangeError(`entropyRange needs a histogram of |x| starting at 0; it starts at ${absHistogram.low}`);
  const t = klThresholdBins(absHistogram.counts, targetBins) * absHistogram.width;
  return { min: Math.max(observed.min, -t), max: Math.min(observed.max, t) };
}
