// QAT end to end on a tiny seeded conv model: the exported QDQ graph on onnxruntime is the fake-quant graph tfjs trained.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '@whittle/datasets';
import { buildDsCnn, DS_CNN_S } from '@whittle/distill';
import { collectMinMax } from '../calibrate/collect-min-max.ts';
import { DEFAULT_EXPORT_CONFIG } from '../export/export-config.ts';
import { exportLayersModel } from '../export/export-layers-model.ts';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';
import { quantizeStatic } from '../quantize/quantize-static.ts';
import type { TensorRanges } from '../quantize/tensor-ranges.ts';
import { checkWithOnnxChecker, perturbBatchNorms, randomData } from '../testing/onnx-test-utils.ts';
import { buildFakeQuantModel } from './fake-quant-model.ts';
import { resolveQatConfig } from './qat-config.ts';
import { quantizationAwareFineTune, type QatResult } from './quantization-aware-fine-tune.ts';

const [FRAMES, BINS, ROWS] = [12, 8, 256];
const DIMS = [ROWS, FRAMES, BINS];

/** DS-CNN in miniature: conv/BN/ReLU, depthwise-separable block, pool, dropout, dense logits. */
function tinyDsCnn(seed: number): tf.Sequential {
  let n = 0;
  const init = () => tf.initializers.glorotUniform({ seed: seed + 31 * n++ });
  const m = tf.sequential({ name: 'tiny' });
  m.add(tf.layers.reshape({ inputShape: [FRAMES, BINS], targetShape: [FRAMES, BINS, 1], name: 'to_image' }));
  m.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init(), name: 'conv' }));
  m.add(tf.layers.batchNormalization({ name: 'conv_bn' }));
  m.add(tf.layers.reLU({ name: 'conv_relu' }));
  m.add(tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, depthwiseInitializer: init(), name: 'dw' }));
  m.add(tf.layers.batchNormalization({ name: 'dw_bn' }));
  m.add(tf.layers.reLU({ name: 'dw_relu' }));
  m.add(tf.layers.conv2d({ filters: 8, kernelSize: 1, useBias: false, kernelInitializer: init(), name: 'pw' }));
  m.add(tf.layers.batchNormalization({ name: 'pw_bn' }));
  m.add(tf.layers.reLU({ name: 'pw_relu' }));
  m.add(tf.layers.globalAveragePooling2d({ name: 'pool' }));
  m.add(tf.layers.dropout({ rate: 0.1, seed: 1, name: 'dropout' }));
  m.add(tf.layers.dense({ units: 2, kernelInitializer: init(), name: 'logits' }));
  return m;
}

/** Two classes: noise, or noise plus a Gaussian bump at a random time-frequency spot. */
function bumps(seed: number): { x: Float32Array; labels: Int32Array } {
  const rng = new SeededRandom(seed);
  const x = new Float32Array(ROWS * FRAMES * BINS);
  const labels = Int32Array.from({ length: ROWS }, (_, i) => i % 2);
  for (let i = 0; i < ROWS; i++) {
    const [t0, f0] = [rng.int(1, FRAMES - 2), rng.int(1, BINS - 2)];
    for (let t = 0; t < FRAMES; t++)
      for (let f = 0; f < BINS; f++) x[(i * FRAMES + t) * BINS + f] = rng.normal() * 0.6 + (labels[i] === 1 ? 2 * Math.exp(-((t - t0) ** 2 + (f - f0) ** 2) / 2) : 0);
  }
  return { x, labels };
}

async function runOrt(bytes: Uint8Array, x: Float32Array, dims: readonly number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', x, [...dims]) });
    return out[session.outputNames[0] as string]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

function accuracy(logits: Float32Array, labels: Int32Array): number {
  const classes = logits.length / labels.length;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = Array.from(logits.subarray(i * classes, (i + 1) * classes));
    if (row.indexOf(Math.max(...row)) === labels[i]) correct++;
  }
  return correct / labels.length;
}

/** Fraction of rows whose every logit agrees within `tol`. */
function rowsWithin(a: Float32Array, b: Float32Array, classes: number, tol: number): number {
  let rows = 0;
  for (let i = 0; i < a.length; i += classes) if (Array.from(a.subarray(i, i + classes)).every((v, c) => Math.abs(v - b[i + c]!) <= tol)) rows++;
  return rows / (a.length / classes);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

const CONFIG = resolveQatConfig({ epochs: 3, quantize: { calibration: { samples: 128 } } });
const DATA = bumps(5);
let model: tf.Sequential;
let fp32Bytes: Uint8Array;
let ptqBytes: Uint8Array;
let qatBytes: Uint8Array;
let result: QatResult;
let leakedTensors: number;
let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = tinyDsCnn(3);
  // A short seeded fp32 training (fixed batch order, no shuffle): QAT starts from trained weights.
  const optimizer = tf.train.adam(0.02);
  const [xs, ys] = tf.tidy(() => [tf.tensor(DATA.x, DIMS), tf.oneHot(tf.tensor1d(DATA.labels, 'int32'), 2)]) as [tf.Tensor, tf.Tensor];
  for (let epoch = 0; epoch < 10; epoch++)
    for (let b = 0; b < ROWS; b += 64) optimizer.minimize(() => tf.tidy(() => tf.losses.softmaxCrossEntropy(ys.slice(b, 64), model.apply(xs.slice(b, 64), { training: true }) as tf.Tensor) as tf.Scalar));
  tf.dispose([xs, ys]);
  optimizer.dispose();
  const fp32 = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
  fp32Bytes = encodeOnnxModel(fp32);
  const before = tf.memory().numTensors;
  result = await quantizationAwareFineTune(model, { x: DATA.x, dims: DIMS, labels: DATA.labels }, CONFIG);
  leakedTensors = tf.memory().numTensors - before;
  // PTQ from the same fp32 weights and the same ranges, for comparison.
  ptqBytes = encodeOnnxModel(quantizeStatic(fp32, result.ranges, CONFIG.quantize));
  qatBytes = encodeOnnxModel(quantizeStatic(exportLayersModel(model, DEFAULT_EXPORT_CONFIG), result.ranges, CONFIG.quantize));
  dir = await mkdtemp(join(tmpdir(), 'whittle-qat-'));
}, 60_000);
afterAll(async () => {
  model.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('quantizationAwareFineTune on a tiny conv model', () => {
  it('leaves no tensors behind and records every epoch', () => {
    expect(leakedTensors).toBe(0);
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    for (const h of result.history) expect(Number.isFinite(h.loss) && h.loss > 0 && h.accuracy > 0.5).toBe(true);
    // Input, three ReLU outputs and the pool output.
    expect(Object.keys(result.ranges.tensors)).toHaveLength(5);
    expect(result.ranges.samples).toBe(128);
  });

  it('the exported QDQ model on onnxruntime computes what the tfjs fake-quant forward pass trained', async () => {
    const fq = buildFakeQuantModel(model, exportLayersModel(model, DEFAULT_EXPORT_CONFIG), result.ranges, CONFIG.quantize);
    const [fakeQuant, float] = tf.tidy(() => {
      const x = tf.tensor(DATA.x, DIMS);
      return [fq.withQuantizedWeights(() => fq.forward(x)).dataSync() as Float32Array, (model.predict(x) as tf.Tensor).dataSync() as Float32Array];
    });
    const int8 = await runOrt(qatBytes, DATA.x, DIMS);
    // Float summation order (tfjs vs onnxruntime's integer kernels) flips an activation's rounding now and then,
    // by one grid step (pool step ~0.004 here); rows without a flip agree to float precision.
    expect(maxAbsDiff(fakeQuant, int8)).toBeLessThan(0.02);
    expect(rowsWithin(fakeQuant, int8, 2, 1e-4)).toBeGreaterThanOrEqual(0.85);
    // The plain fp32 forward pass is nowhere near it: the fake-quant is what makes them agree.
    expect(rowsWithin(float, int8, 2, 1e-4)).toBeLessThan(0.1);
  });

  it('does not make int8 accuracy on the train set worse than PTQ from the same weights and ranges', async () => {
    const ptq = accuracy(await runOrt(ptqBytes, DATA.x, DIMS), DATA.labels);
    const qat = accuracy(await runOrt(qatBytes, DATA.x, DIMS), DATA.labels);
    const fp32 = accuracy(await runOrt(fp32Bytes, DATA.x, DIMS), DATA.labels);
    // Seeded: fp32 0.797, PTQ 0.801, QAT 0.828. PTQ loses nothing on this problem; the QAT gain is mostly
    // the extra training of an under-trained start (the fp32 weights after QAT score 0.832).
    expect(fp32).toBeGreaterThan(0.75);
    expect(ptq).toBeGreaterThan(0.75);
    expect(qat).toBeGreaterThanOrEqual(ptq);
  });

  it('writes a file onnx.checker accepts', async () => {
    const file = join(dir, 'model_int8.onnx');
    await writeFile(file, qatBytes);
    expect(() => checkWithOnnxChecker(file)).not.toThrow();
  });

  it('puts the fp32 weights back exactly after a fake-quant run', () => {
    const fq = buildFakeQuantModel(model, exportLayersModel(model, DEFAULT_EXPORT_CONFIG), result.ranges, CONFIG.quantize);
    const before = fq.kernels.map((k) => Array.from(k.variable.dataSync()));
    const inside = fq.withQuantizedWeights(() => fq.kernels.map((k) => Array.from(k.variable.dataSync())));
    expect(inside).not.toEqual(before);
    expect(fq.kernels.map((k) => Array.from(k.variable.dataSync()))).toEqual(before);
  });

  it('rejects data of the wrong shape or labels outside the classes', async () => {
    await expect(quantizationAwareFineTune(model, { x: DATA.x, dims: [ROWS, BINS, FRAMES], labels: DATA.labels }, CONFIG)).rejects.toThrow("must hold rows of [12, 8]; got dims [256, 8, 12]");
    await expect(quantizationAwareFineTune(model, { x: DATA.x, dims: DIMS, labels: DATA.labels.map((l) => l * 2) }, CONFIG)).rejects.toThrow("Label 2 of row 1 is outside the model's 2 classes");
  });
});

describe('buildFakeQuantModel on the real DS-CNN-S', () => {
  it('maps every QDQ activation and kernel to its layer and matches onnxruntime on random inputs', async () => {
    const ds = buildDsCnn(DS_CNN_S, 5);
    perturbBatchNorms(ds, 6);
    const dims = [8, DS_CNN_S.inputFrames, DS_CNN_S.inputBins];
    const x = randomData(dims.reduce((a, b) => a * b, 1), 9);
    const fp32 = exportLayersModel(ds, DEFAULT_EXPORT_CONFIG);
    const ranges: TensorRanges = await collectMinMax(fp32, [{ input_values: { data: x, dims } }], {});
    const fq = buildFakeQuantModel(ds, fp32, ranges, CONFIG.quantize);
    const relus = ['conv_1_relu', ...[1, 2, 3, 4].flatMap((b) => [`dw_${b}_relu`, `pw_${b}_relu`])];
    expect([...fq.outputParams.keys()].sort()).toEqual([...relus, 'pool'].sort());
    expect(fq.inputParams).toBeDefined();
    expect(fq.kernels.map((k) => `${k.layer}:${k.channels}:${k.folds.map((f) => f.name).join()}`)).toEqual([
      'conv_1:64:conv_1_bn',
      ...[1, 2, 3, 4].flatMap((b) => [`dw_${b}:64:dw_${b}_bn`, `pw_${b}:64:pw_${b}_bn`]),
      'logits:12:',
    ]);
    const fakeQuant = tf.tidy(() => fq.withQuantizedWeights(() => fq.forward(tf.tensor(x, dims))).dataSync() as Float32Array);
    const int8 = await runOrt(encodeOnnxModel(quantizeStatic(fp32, ranges, CONFIG.quantize)), x, dims);
    const float = tf.tidy(() => (ds.predict(tf.tensor(x, dims)) as tf.Tensor).dataSync() as Float32Array);
    // Seeded: every row agrees to 6e-8 (no rounding flip among these 8 inputs); allow one flipped row.
    expect(rowsWithin(fakeQuant, int8, 12, 1e-5)).toBeGreaterThanOrEqual(7 / 8);
    expect(maxAbsDiff(fakeQuant, int8)).toBeLessThan(0.02);
    // The plain fp32 forward pass differs from int8 by ~3e-3 on every row.
    expect(rowsWithin(float, int8, 12, 1e-4)).toBe(0);
    ds.dispose();
  });

  it('refuses a calibrated tensor that no tfjs layer outputs (pre-activation of a fused sigmoid)', async () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'sigmoid', name: 'hidden' }), tf.layers.dense({ units: 2, name: 'out' })] });
    const fp32 = exportLayersModel(m, DEFAULT_EXPORT_CONFIG);
    const ranges = await collectMinMax(fp32, [{ input_values: { data: randomData(8, 1), dims: [2, 4] } }], {});
    expect(() => buildFakeQuantModel(m, fp32, ranges, CONFIG.quantize)).toThrow(/cannot place the fake-quant of ONNX tensor 'hidden'.*pre-activation of 'sigmoid'/);
    m.dispose();
  });
});

describe('resolveQatConfig', () => {
  it('defaults to 2 epochs of Adam 1e-4 at batch 64 and names the field it rejects', () => {
    expect(resolveQatConfig()).toMatchObject({ epochs: 2, batchSize: 64, learningRate: 1e-4 });
    expect(() => resolveQatConfig({ epochs: 0 })).toThrow("QAT config 'epochs' must be a positive integer; got 0");
    expect(() => resolveQatConfig({ learningRate: -1 })).toThrow("QAT config 'learningRate' must be a finite number > 0; got -1");
    expect(() => resolveQatConfig({ quantize: { activations: { type: 'int4' as 'int8' } } })).toThrow("'activations.type'");
  });
});
