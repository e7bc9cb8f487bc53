// Calibration rows as onnxruntime feeds of the exported graph's input, in batches of CALIBRATION_BATCH.

import type { FeatureSet } from '@whittle/datasets';
import { DEFAULT_EXPORT_CONFIG, rowFeeds, type CalibrationFeed } from '@whittle/quantize';

/** Rows per calibration feed. */
export const CALIBRATION_BATCH = 32;

/** `rows` of `set` as feeds of the exported graph's input, CALIBRATION_BATCH rows each (an array: calibrators may each run once over it). */
export function calibrationFeeds(set: FeatureSet, rows: readonly number[], inputName = DEFAULT_EXPORT_CONFIG.inputName): CalibrationFeed[] {
  return rowFeeds({ x: set.features, dims: [set.count, set.frames, set.bins] }, rows, { inputName, caller: 'calibrationFeeds', batch: CALIBRATION_BATCH });
}
