// Calibration rows as onnxruntime feeds of the exported graph's input, in batches of CALIBRATION_BATCH.

import { WhittleError, type FeatureSet } from '@whittle/datasets';
import { DEFAULT_EXPORT_CONFIG, type CalibrationFeed } from '@whittle/quantize';

/** Rows per calibration feed. */
export const CALIBRATION_BATCH = 32;

/** `rows` of `set` as feeds of the exported graph's input, CALIBRATION_BATCH rows each (an array: calibrators may each run once over it). */
export function calibrationFeeds(set: FeatureSet, rows: readonly number[], inputName = DEFAULT_EXPORT_CONFIG.inputName): CalibrationFeed[] {
  const stride = set.frames * set.bins;
  const feeds: CalibrationFeed[] = [];
  for (let start = 0; start < rows.length; start += CALIBRATION_BATCH) {
    const chunk = rows.slice(start, start + CALIBRATION_BATCH);
    const data = new Float32Array(chunk.length * stride);
    chunk.forEach((row, i) => {
      if (!Number.isInteger(row) || row < 0 || row >= set.count) throw new WhittleError('INVALID_ARGUMENT', `Argument 'rows' passed to 'calibrationFeeds' must be row indices in [0, ${set.count}); got ${row}`);
      data.set(set.features.subarray(row * stride, (row + 1) * stride), i * stride);
    });
    feeds.push({ [inputName]: { data, dims: [chunk.length, set.frames, set.bins] } });
  }
  return feeds;
}
