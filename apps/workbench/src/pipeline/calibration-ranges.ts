// A static recipe's activation ranges: the training rows its calibration data and sample count pick, fed through the fp32 graph.

import type { FeatureSet } from '@whittle/datasets';
import { collectRanges, type CalibrationConfig, type CalibrationFeed, type OnnxModel, type TensorRanges } from '@whittle/quantize';
import { CALIBRATION_BATCH, calibrationFeeds } from './calibration-feeds.ts';
import { calibrationRows, calibrationVersionSeed, gatherCalibrationSet, type CalibrationData } from './calibration-rows.ts';

export interface CalibrationRangesInput {
  /** Every training row in the run's seeded order (calibrationOrder); the recipe takes its first `calibration.samples`. */
  readonly order: readonly number[];
  /** [clean, ...augmented copies] of the training rows, row for row; 'training' reads only the clean set. */
  readonly versions: readonly FeatureSet[];
  readonly calibration: CalibrationConfig;
  readonly data: CalibrationData;
  /** The run's seed (`config.train.seed`): draws each row's version with calibrationVersionSeed. */
  readonly seed: number;
  /** Applied to the gathered rows before they are fed (normalising raw rows: the same values for a fraction of the memory); identity when absent. */
  readonly prepare?: (set: FeatureSet) => FeatureSet;
  /** The graph input the feeds name; the exporter's default when absent. */
  readonly inputName?: string;
  /** Called before each feed is calibrated on: rows fed so far (that feed included) and rows in all. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Collect `calibration`'s activation ranges of `fp32` on the rows calibrationRows picks; `samples` of the result is the
 * number of rows really used (fewer than `calibration.samples` when the training split is smaller).
 *
 * @example const ranges = await calibrationRanges(fp32, { order, versions: [train], calibration: settings.int8.calibration, data: 'training', seed: 42 });
 */
export async function calibrationRanges(fp32: OnnxModel, input: CalibrationRangesInput): Promise<TensorRanges> {
  const copies = Math.max(0, input.versions.length - 1);
  const rows = calibrationRows(input.order, input.calibration.samples, input.data, copies, calibrationVersionSeed(input.seed));
  const gathered = gatherCalibrationSet(input.versions, rows);
  const set = input.prepare === undefined ? gathered : input.prepare(gathered);
  const feeds = calibrationFeeds(set, rows.map((_, i) => i), input.inputName);
  const { onProgress } = input;
  function* withProgress(progress: (done: number, total: number) => void): Generator<CalibrationFeed> {
    for (let i = 0; i < feeds.length; i++) {
      progress(Math.min((i + 1) * CALIBRATION_BATCH, rows.length), rows.length);
      yield feeds[i] as CalibrationFeed;
    }
  }
  return collectRanges(fp32, onProgress === undefined ? feeds : withProgress(onProgress), input.calibration);
}
