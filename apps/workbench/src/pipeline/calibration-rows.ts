// Which rows a static int8 recipe calibrates on: which training clips, in which order, clean or as training augmentation shows them.

import { ConfigError, SeededRandom, type FeatureSet } from '@whittle/datasets';

/**
 * Where a static recipe's calibration rows come from.
 * - 'training': clean training clips.
 * - 'training-augmented': the same clips, each taken either clean or as one of its augmented copies (time shift, noise
 *   and the waveform stages that are on), all versions equally likely, as a training batch draws them. The activation
 *   ranges then cover the noise and channel spread the model was trained for, not only clean synthetic speech, which
 *   is what voices from outside the generator look like to it.
 */
export type CalibrationData = 'training' | 'training-augmented';

export const CALIBRATION_DATA: readonly CalibrationData[] = Object.freeze(['training', 'training-augmented'] as const);

/**
 * Every training row in one seeded order: each recipe of a run calibrates on its first `samples`, so recipes that
 * differ only in calibration method see the same clips, and a model trained on other rows (a leave-one-engine-out
 * role) draws its clips the same way from its own rows.
 */
export function calibrationOrder(count: number, seed: number): number[] {
  return new SeededRandom(seed ^ 0xca1).shuffle(Array.from({ length: count }, (_, i) => i));
}

/** The seed calibrationRows draws each row's version (clean or an augmented copy) with, from the run's seed. */
export function calibrationVersionSeed(seed: number): number {
  return (seed ^ 0xca2) >>> 0;
}

/** One calibration row: training row `row` of version `version` (0 the clean set, k >= 1 augmented copy k-1). */
export interface CalibrationRow {
  readonly version: number;
  readonly row: number;
}

/**
 * The rows a recipe calibrates on: the first `samples` rows of `order` (one seeded order of training rows that every
 * recipe shares, so recipes differing in method or data see the same clips). With 'training-augmented' each row's
 * version is drawn uniformly from the clean set and its `copies` copies by a generator seeded with `seed`, in order, so
 * raising `samples` keeps the earlier draws. Without copies both sources give the clean rows.
 *
 * @example calibrationRows(order, 512, 'training-augmented', 2, seed) // ~1/3 clean rows, ~2/3 from the two copies
 */
export function calibrationRows(order: readonly number[], samples: number, data: CalibrationData, copies: number, seed: number): CalibrationRow[] {
  if (!CALIBRATION_DATA.includes(data)) throw new ConfigError(`Calibration data must be one of ${CALIBRATION_DATA.join(', ')}; got ${JSON.stringify(data)}`);
  if (!Number.isInteger(samples) || samples < 1) throw new ConfigError(`Argument 'samples' passed to 'calibrationRows' must be an integer >= 1; got ${JSON.stringify(samples)}`);
  if (!Number.isInteger(copies) || copies < 0) throw new ConfigError(`Argument 'copies' passed to 'calibrationRows' must be an integer >= 0; got ${JSON.stringify(copies)}`);
  const rows = order.slice(0, Math.min(samples, order.length));
  if (data === 'training' || copies === 0) return rows.map((row) => ({ version: 0, row }));
  const rng = new SeededRandom(seed);
  return rows.map((row) => ({ version: rng.int(0, copies), row }));
}

/**
 * The calibration rows copied out of `versions` ([clean, ...copies], each holding the training rows in the same order)
 * into one set, in the order given; a row keeps its clip's id and label.
 */
export function gatherCalibrationSet(versions: readonly FeatureSet[], rows: readonly CalibrationRow[]): FeatureSet {
  const clean = versions[0];
  if (clean === undefined) throw new ConfigError("Argument 'versions' passed to 'gatherCalibrationSet' must hold at least the clean training set; got none");
  versions.forEach((v, k) => {
    if (v.count !== clean.count || v.frames !== clean.frames || v.bins !== clean.bins) {
      throw new ConfigError(`Calibration version ${k} must hold the ${clean.count} training rows of ${clean.frames}x${clean.bins} features; got ${v.count} of ${v.frames}x${v.bins}`);
    }
  });
  const stride = clean.frames * clean.bins;
  const features = new Float32Array(rows.length * stride);
  const labels = new Int32Array(rows.length);
  const ids: string[] = [];
  rows.forEach(({ version, row }, i) => {
    const set = versions[version];
    if (set === undefined || row < 0 || row >= set.count) throw new RangeError(`calibration row ${row} of version ${version} is outside the ${versions.length} version(s) of ${clean.count} rows`);
    features.set(set.features.subarray(row * stride, (row + 1) * stride), i * stride);
    labels[i] = set.labels[row] as number;
    ids.push(set.ids[row] as string);
  });
  return { features, frames: clean.frames, bins: clean.bins, count: rows.length, labels, ids };
}

/**
 * Words for reports: "training clips" or "training clips, each clean or one of its 2 augmented copies (equal chance)".
 * `copies` undefined: a record written before the count was kept, so the words leave it out.
 */
export function calibrationDataWords(data: CalibrationData, copies: number | undefined): string {
  if (data === 'training') return 'training clips';
  if (copies === undefined) return 'training clips, each clean or one of its augmented copies (equal chance)';
  if (copies === 0) return 'training clips (augmented calibration asked for, but the run has no augmented copies: clean)';
  return copies === 1 ? 'training clips, each clean or its augmented copy (equal chance)' : `training clips, each clean or one of its ${copies} augmented copies (equal chance)`;
}
