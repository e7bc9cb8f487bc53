// Calibration ranges: the rows calibrationRows picks, fed in batches with progress, copies read only for augmented calibration.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EXPORT_CONFIG, DEFAULT_STATIC_QUANTIZE_CONFIG, type OnnxModel, type TensorRanges } from '@whittle/quantize';
import { calibrationRanges } from './calibration-ranges.ts';
import { fixtureRows, untrainedDsCnnS } from './testing/untrained-ds-cnn.ts';

const config = DEFAULT_STATIC_QUANTIZE_CONFIG;
const { train, order } = fixtureRows();
let fp32: OnnxModel;
let ranges: TensorRanges;

beforeAll(async () => {
  // `ranges`: the fixture's calibrationRanges of the clean rows by the default recipe's calibration.
  ({ fp32, ranges } = await untrainedDsCnnS({ train, order }, config.calibration));
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
