// Test fixture for the quantize-stage tests: 48 seeded feature rows, and DS-CNN-S untrained at their input, exported to ONNX, with its ranges.

import * as tf from '@tensorflow/tfjs';
import { KWS_LABELS, type FeatureSet } from '@whittle/datasets';
import { getModelSpec } from '@whittle/distill';
import { DEFAULT_EXPORT_CONFIG, exportLayersModel, type CalibrationConfig, type OnnxModel, type TensorRanges } from '@whittle/quantize';
import { randomFeatureSet } from '../../commands/random-feature-set.ts';
import { calibrationRanges } from '../calibration-ranges.ts';
import { calibrationOrder } from '../calibration-rows.ts';

/** The run seed the fixture stands for: it orders the rows and seeds calibrationRanges. */
const SEED = 42;

/** Training rows and the seeded order calibration reads them in. */
export interface FixtureRows {
  readonly train: FeatureSet;
  readonly order: readonly number[];
}

/** 48 seeded rows of 20 x 8 standard-normal features (one and a half feeds of 32), and their calibrationOrder. */
export function fixtureRows(): FixtureRows {
  const train = randomFeatureSet(48, 20, 8, 1);
  return { train, order: calibrationOrder(train.count, SEED) };
}

/**
 * The shipped architecture at the rows' input, untrained (seed 3): enough layers for a fallback to choose
 * among. Exported with DEFAULT_EXPORT_CONFIG on the cpu backend; `ranges` are calibrationRanges by
 * `calibration` on the clean rows ('training' data).
 */
export async function untrainedDsCnnS(rows: FixtureRows, calibration: CalibrationConfig): Promise<{ fp32: OnnxModel; ranges: TensorRanges }> {
  await tf.setBackend('cpu');
  const model = getModelSpec('ds-cnn-s').build({ inputFrames: rows.train.frames, inputBins: rows.train.bins, numClasses: KWS_LABELS.length }, 3);
  const fp32 = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
  model.dispose();
  const ranges = await calibrationRanges(fp32, { order: rows.order, versions: [rows.train], calibration, data: 'training', seed: SEED });
  return { fp32, ranges };
}
