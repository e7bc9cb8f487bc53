// SpecAugment time and frequency masking of feature rows: cheap, per batch, so every epoch differs.

import type { SeededRandom } from '../core/random.ts';
import type { SpecAugmentConfig } from './augment-config.ts';

/** Masks drawn for one row: each `[start, width)` in frames or bins. */
export interface SpecAugmentMasks {
  readonly time: readonly (readonly [number, number])[];
  readonly freq: readonly (readonly [number, number])[];
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
 * Overwrite, in place, `config.timeMasks` runs of whole frames and `config.freqMasks` runs of mel
 * bins of one `frames x bins` row (row-major, frame by frame) with `maskValue`, and return the masks.
 * Widths are uniform in [0, max] clamped to the row; masks may overlap, as in the paper. Features are
 * normalised to mean 0 before training, so the default 0 is the "average", not a loud or silent value.
 *
 * @example specAugment(batch.subarray(r * 98 * 40, (r + 1) * 98 * 40), 98, 40, config.specAugment, rng)
 */
export function specAugment(row: Float32Array, frames: number, bins: number, config: SpecAugmentConfig, rng: SeededRandom, maskValue = 0): SpecAugmentMasks {
  if (row.length !== frames * bins) throw new RangeError(`specAugment() row has ${row.length} values, expected frames x bins = ${frames} x ${bins} = ${frames * bins}`);
  const time = drawMasks(config.timeMasks, config.maxTimeMaskFrames, frames, rng);
  const freq = drawMasks(config.freqMasks, config.maxFreqMaskBins, bins, rng);
  for (const [start, width] of time) row.fill(maskValue, start * bins, (start + width) * bins);
  for (const [start, width] of freq) {
    for (let f = 0; f < frames; f++) row.fill(maskValue, f * bins + start, f * bins + start + width);
  }
  return { time, freq };
}

/** specAugment() on each of the `features.length / (frames * bins)` rows of a batch, in place, in row order. */
export function specAugmentRows(features: Float32Array, frames: number, bins: number, config: SpecAugmentConfig, rng: SeededRandom, maskValue = 0): Float32Array {
  const stride = frames * bins;
  if (stride === 0 || features.length % stride !== 0) throw new RangeError(`specAugmentRows() got ${features.length} values, not a whole number of ${frames} x ${bins} rows`);
  for (let offset = 0; offset < features.length; offset += stride) specAugment(features.subarray(offset, offset + stride), frames, bins, config, rng, maskValue);
  return features;
}
