// Calibration ranges: the rows calibrationRows picks, fed in batches with progress, copies read only for augmented calibration.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { KWS_LABELS } from '@whittle/datasets';
import { getModelSpec } from '@whittle/distill';
import { DEFAULT_EXPORT_CONFIG, DEFAULT_STATIC_QUANTIZE_CONFIG, exportLayersModel, type OnnxModel, type TensorRanges } from '@whittle/quantize';
import { randomFeatureSet } from '../commands/random-feature-set.ts';
import { calibrationRanges } from './calibration-ranges.ts';
import { calibrationOrder } from './calibration-rows.ts';

const config = DEFAULT_STATIC_QUANTIZE_CONFIG;
const train = randomFeatureSet(48, 20, 8, 1);
const order = calibrationOrder(train.count, 42);
let fp32: OnnxModel;
let ranges: TensorRanges;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const model = getModelSpec('ds-cnn-s').build({ inputFrames: 20, inputBins: 8, numClasses: KWS_LABELS.length }, 3);
  fp32 = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
  model.dispose();
  ranges = await calibrationRanges(fp32, { order, versions: [train], calibration: config.calibration, data: 'training', seed: 42 });
});

describe('calibrationRanges', () => {
  it('calibrates on every training row when the recipe asks for more, and says how many it used', () => {
    expect(config.calibration.samples).toBeGreaterThan(train.count);
    expect(ranges.samples).toBe(train.count);
  });

  it('reports progress per feed of CALIBRATION_BATCH rows, and reads the copies only for augmented calibration', async () => {
    const progress: [number, number][] = [];
    const loud = { ...train, features: train.features.map((x) => 20 * x) };
    const input = { order, versions: [train, loud], calibration: config.calibration, seed: 42, inputName: DEFAULT_EXPORT_CONFIG.inputName };
    const clean = await calibrationRanges(fp32, { ...input, data: 'training', onProgress: (done, total) => progress.push([done, total]) });
    expect(progress).toEqual([[32, 48], [48, 48]]);
    expect(clean.tensors).toEqual(ranges.tensors);
    // The graph input's range: the 20x copy widens it, by about 20x, only when calibration reads the copies.
    const mixed = await calibrationRanges(fp32, { ...input, data: 'training-augmented' });
    const inputRange = (r: TensorRanges) => r.tensors[DEFAULT_EXPORT_CONFIG.inputName];
    expect(inputRange(clean)).toBeDefined();
    expect((inputRange(mixed)?.max as number) / (inputRange(clean)?.max as number)).toBeGreaterThan(10);
    // `prepare` transforms the gathered rows before they are fed.
    const halved = await calibrationRanges(fp32, { ...input, data: 'training', prepare: (set) => ({ ...set, features: set.features.map((x) => x / 2) }) });
    expect(inputRange(halved)?.max).toBeCloseTo((inputRange(clean)?.max as number) / 2, 6);
  });
});
