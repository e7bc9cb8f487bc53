// SpecAugment of feature rows (frequency warp, then time and frequency masks): cheap, per batch, so every epoch differs.

import type { SeededRandom } from '../core/random.ts';
import type { SpecAugmentConfig } from './augment-config.ts';
import { freqWarp } from './freq-warp.ts';

/** What was drawn for one row: masks as `[start, width)` in frames or bins, and the frequency warp factor. */
export interface SpecAugmentMasks {
  readonly time: readonly (readonly [number, number])[];
  readonly freq: readonly (readonly [number, number])[];
  /** The warp factor alpha applied before the masks; 1 when the row was not warped. */
  readonly warpFactor: number;
}

/**
 * Whether specAugment() changes rows (or draws from the random stream) under `config`: any mask, or a
 * frequency warp with probability above 0. Callers skip it when false, so an unaugmented run's random
 * stream is the one it always was.
 */
export function specAugmentActive(config: SpecAugmentConfig): boolean {
  return config.timeMasks > 0 || config.freqMasks > 0 || (config.freqWarp?.probability ?? 0) > 0;
}

function drawMasks(count: number, maxWidth: number, size: number, rng: SeededRandom): [number, number][] {
  const masks: [number, number][] = [];
  for (let k = 0; k < count; k++) {
    const width = rng.int(0, Math.max(0, Math.min(maxWidth, size)));
    masks.push([rng.int(0, size - width), width]);
  }
  return masks;
}

/**
 * Warp one row's frequency axis with probability `config.freqWarp.probability` (see freqWarp), then
 * overwrite, in place, `config.timeMasks` runs of whole frames and `config.freqMasks` runs of mel
 * bins of one `frames x bins` row (row-major, frame by frame) with `maskValue`, and return the masks.
 * Widths are uniform in [0, max] clamped to the row; masks may overlap, as in the paper. Features are
 * normalised to mean 0 before training, so the default 0 is the "average", not a loud or silent value.
 *
 * @example specAugment(batch.subarray(r * 98 * 40, (r + 1) * 98 * 40), 98, 40, config.specAugment, rng)
 */
export function specAugment(row: Float32Array, frames: number, bins: number, config: SpecAugmentConfig, rng: SeededRandom, maskValue = 0): SpecAugmentMasks {
  if (row.length !== frames * bins) throw new RangeError(`specAugment() row has ${row.length} values, expected frames x bins = ${frames} x ${bins} = ${frames * bins}`);
  // Warp first so the masks zero whole bins of the warped row, as they would a real speaker's.
  const warpFactor = freqWarp(row, frames, bins, config.freqWarp, rng);
  const time = drawMasks(config.timeMasks, config.maxTimeMaskFrames, frames, rng);
  const freq = drawMasks(config.freqMasks, config.maxFreqMaskBins, bins, rng);
  for (const [start, width] of time) row.fill(maskValue, start * bins, (start + width) * bins);
  for (const [start, width] of freq) {
    for (let f = 0; f < frames; f++) row.fill(maskValue, f * bins + start, f * bins + start + width);
  }
  return { time, freq, warpFactor };
}

/** specAugment() on each of the `features.length / (frames * bins)` rows of a batch, in place, in row order. */
export function specAugmentRows(features: Float32Array, frames: number, bins: number, config: SpecAugmentConfig, rng: SeededRandom, maskValue = 0): Float32Array {
  const stride = frames * bins;
  if (stride === 0 || features.length % stride !== 0) throw new RangeError(`specAugmentRows() got ${features.length} values, not a whole number of ${frames} x ${bins} rows`);
  for (let offset = 0; offset < features.length; offset += stride) specAugment(features.subarray(offset, offset + stride), frames, bins, config, rng, maskValue);
  return features;
}
