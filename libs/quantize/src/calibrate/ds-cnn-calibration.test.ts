// End to end on the real DS-CNN-S: percentile and entropy calibration give int8 QDQ that onnx.checker accepts and onnxruntime runs.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDsCnn, DS_CNN_S } from '@whittle/distill';
import { DEFAULT_EXPORT_CONFIG } from '../export/export-config.ts';
import { exportLayersModel } from '../export/export-layers-model.ts';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';
import { quantizeStatic } from '../quantize/quantize-static.ts';
import { resolveStaticQuantizeConfig, type CalibrationConfigInput } from '../quantize/static-quantize-config.ts';
import type { TensorRanges } from '../quantize/tensor-ranges.ts';
import { checkWithOnnxChecker, perturbBatchNorms, randomData, runOnnx } from '../testing/onnx-test-utils.ts';
import { collectMinMax } from './collect-min-max.ts';
import { collectRanges } from './collect-ranges.ts';
import type { CalibrationFeed } from './run-calibration.ts';

const { inputFrames: FRAMES, inputBins: BINS, numClasses: CLASSES } = DS_CNN_S;
const STRIDE = FRAMES * BINS;
const COUNT = 32;
// 32 calibration inputs followed by 32 the calibration never saw.
const INPUTS = randomData(2 * COUNT * STRIDE, 41);

let fp32: OnnxModel;
let minmax: TensorRanges;
let fp32Out: Float32Array;
let dir: string;

function* feeds(): Generator<CalibrationFeed> {
  for (let i = 0; i < COUNT; i++) yield { input_values: { data: INPUTS.slice(i * STRIDE, (i + 1) * STRIDE), dims: [1, FRAMES, BINS] } };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  const model = buildDsCnn(DS_CNN_S, 7);
  perturbBatchNorms(model, 8);
  fp32 = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
  model.dispose();
  minmax = await collectMinMax(fp32, feeds(), {});
  fp32Out = await runOnnx(fp32, INPUTS, [2 * COUNT, FRAMES, BINS]);
  dir = await mkdtemp(join(tmpdir(), 'whittle-calibrate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each<CalibrationConfigInput>([{ method: 'percentile' }, { method: 'entropy' }])('DS-CNN-S int8, $method calibration', (calibration) => {
  let ranges: TensorRanges;
  let int8Bytes: Uint8Array;
  beforeAll(async () => {
    ranges = await collectRanges(fp32, feeds(), calibration);
    int8Bytes = encodeOnnxModel(quantizeStatic(fp32, ranges, resolveStaticQuantizeConfig({ calibration })));
  });

  it('calibrates the 11 planned tensors (input, 9 ReLU outputs, pool) inside their min/max ranges, clipping at least one', () => {
    const names = Object.keys(minmax.tensors);
    expect(Object.keys(ranges.tensors)).toEqual(names);
    expect(names).toHaveLength(11);
    let clipped = 0;
    for (const name of names) {
      const r = ranges.tensors[name]!;
      const m = minmax.tensors[name]!;
      expect(r.min, name).toBeGreaterThanOrEqual(m.min);
      expect(r.max, name).toBeLessThanOrEqual(m.max);
      if (r.max < m.max || r.min > m.min) clipped++;
    }
    expect(clipped).toBeGreaterThan(0);
  });

  it('passes onnx.checker (full_check)', async () => {
    const file = join(dir, `model_int8_${calibration.method}.onnx`);
    await writeFile(file, int8Bytes);
    expect(() => checkWithOnnxChecker(file)).not.toThrow();
  });

  it('runs on onnxruntime-node and mostly agrees with fp32 on top-1', async () => {
    const out = await runOnnx(int8Bytes, INPUTS, [2 * COUNT, FRAMES, BINS]);
    expect(out).toHaveLength(2 * COUNT * CLASSES);
    expect(out.every(Number.isFinite)).toBe(true);
    let agree = 0;
    for (let i = 0; i < 2 * COUNT; i++) {
      const a = Array.from(fp32Out.subarray(i * CLASSES, (i + 1) * CLASSES));
      const b = Array.from(out.subarray(i * CLASSES, (i + 1) * CLASSES));
      if (a.indexOf(Math.max(...a)) === b.indexOf(Math.max(...b))) agree++;
    }
    expect(agree / (2 * COUNT)).toBeGreaterThanOrEqual(0.8);
  });
});
