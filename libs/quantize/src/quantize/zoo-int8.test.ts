// Every model in the distill zoo: fp32 export parity with tfjs, then static int8 that loads, passes onnx.checker and agrees with fp32.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getModelSpec, MODEL_NAMES } from '@whittle/distill';
import { collectMinMax } from '../calibrate/collect-min-max.ts';
import { DEFAULT_EXPORT_CONFIG } from '../export/export-config.ts';
import { exportLayersModel } from '../export/export-layers-model.ts';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { decodeOnnxModel } from '../proto/decode-onnx-model.ts';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';
import { checkWithOnnxChecker, maxAbsDiff, perturbBatchNorms, predictTfjs, randomData, runOnnx } from '../testing/onnx-test-utils.ts';
import { quantizeStatic } from './quantize-static.ts';
import { DEFAULT_STATIC_QUANTIZE_CONFIG } from './static-quantize-config.ts';
import type { TensorRanges } from './tensor-ranges.ts';

const CALIBRATION_COUNT = 16;
// tfjs' cpu backend is slow on DS-CNN-L (~400M MACs per clip): parity on two inputs is enough.
const PARITY_COUNT = 2;
const UINT8_CONFIG = { ...DEFAULT_STATIC_QUANTIZE_CONFIG, activations: { type: 'uint8', symmetric: false } } as const;

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'whittle-zoo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Top-1 agreement of int8 with fp32 and the relative RMS error of its logits. */
function agreement(a: Float32Array, b: Float32Array, count: number, classes: number): { top1: number; relativeError: number } {
  const argmax = (x: Float32Array, i: number) => {
    const row = Array.from(x.subarray(i * classes, (i + 1) * classes));
    return row.indexOf(Math.max(...row));
  };
  let agree = 0;
  for (let i = 0; i < count; i++) if (argmax(a, i) === argmax(b, i)) agree++;
  let err = 0;
  let norm = 0;
  for (let k = 0; k < a.length; k++) {
    err += ((a[k] as number) - (b[k] as number)) ** 2;
    norm += (a[k] as number) ** 2;
  }
  return { top1: agree / count, relativeError: Math.sqrt(err / norm) };
}

describe.each(MODEL_NAMES.map((name) => [name]))('zoo model %s', (name) => {
  const spec = getModelSpec(name);
  const { inputFrames: frames, inputBins: bins, numClasses: classes } = spec.shape;
  const stride = frames * bins;
  // 16 calibration inputs followed by 16 the calibration never saw.
  const count = 2 * CALIBRATION_COUNT;
  const inputs = randomData(count * stride, 21);
  let fp32: OnnxModel;
  let fp32Bytes: Uint8Array;
  let ranges: TensorRanges;
  let parity: number;

  beforeAll(async () => {
    const model = spec.build(spec.shape, 5);
    // Non-trivial moving statistics: folding has something to get wrong.
    perturbBatchNorms(model, 6);
    const parityInput = randomData(PARITY_COUNT * stride, 7);
    const expected = predictTfjs(model, parityInput, [PARITY_COUNT, frames, bins]);
    fp32 = exportLayersModel(model, { ...DEFAULT_EXPORT_CONFIG, metadata: { whittle_model: name } });
    model.dispose();
    fp32Bytes = encodeOnnxModel(fp32);
    parity = maxAbsDiff(await runOnnx(fp32Bytes, parityInput, [PARITY_COUNT, frames, bins]), expected);
    async function* feeds() {
      for (let i = 0; i < CALIBRATION_COUNT; i++) yield { input_values: { data: inputs.slice(i * stride, (i + 1) * stride), dims: [1, frames, bins] } };
    }
    ranges = await collectMinMax(fp32, feeds(), {});
  });

  it('fp32 export matches tfjs within 1e-4 and passes onnx.checker (full_check)', async () => {
    expect(parity).toBeLessThanOrEqual(1e-4);
    const file = join(dir, `${name}_fp32.onnx`);
    await writeFile(file, fp32Bytes);
    expect(() => checkWithOnnxChecker(file)).not.toThrow();
  });

  it.each([
    ['int8', DEFAULT_STATIC_QUANTIZE_CONFIG],
    ['uint8', UINT8_CONFIG],
  ] as const)('static int8 weights with %s activations: loads, passes onnx.checker, agrees with fp32', async (activations, config) => {
    const int8Bytes = encodeOnnxModel(quantizeStatic(fp32, ranges, config));
    const decoded = decodeOnnxModel(int8Bytes);
    // Every Conv and Gemm weight is stored as int8.
    const weightLayers = fp32.graph.nodes.filter((n) => n.opType === 'Conv' || n.opType === 'Gemm').length;
    expect(decoded.graph.initializers.filter((t) => t.dataType === 'int8' && t.dims.length > 1)).toHaveLength(weightLayers);
    // Q/DQ scales and nodes are a fixed cost: the 6k-parameter BC-ResNet only shrinks by about a quarter.
    expect(int8Bytes.byteLength).toBeLessThan(0.8 * fp32Bytes.byteLength);
    const file = join(dir, `${name}_${activations}.onnx`);
    await writeFile(file, int8Bytes);
    expect(() => checkWithOnnxChecker(file)).not.toThrow();

    const result = agreement(await runOnnx(fp32Bytes, inputs, [count, frames, bins]), await runOnnx(int8Bytes, inputs, [count, frames, bins]), count, classes);
    // Untrained models on noise favour one class for most inputs, so top-1 agreement is an easy bar;
    // the logit error is the stricter check (the DS-CNN-S int8 suite uses the same two).
    expect(result.top1).toBeGreaterThanOrEqual(0.9);
    expect(result.relativeError).toBeLessThan(0.05);

    // onnxruntime fuses the QDQ units into QLinear* kernels. On x86 it converts int8 activations to
    // uint8 first (QDQS8ToU8Transformer), but only for Q/DQ pairs with a single reader, so with int8
    // activations the convs at a branch point stay float; uint8 activations fuse everywhere.
    const optimized = join(dir, `${name}_${activations}_optimized.onnx`);
    const session = await ort.InferenceSession.create(int8Bytes, { intraOpNumThreads: 1, optimizedModelFilePath: optimized });
    await session.release();
    const ops = decodeOnnxModel(new Uint8Array(await readFile(optimized)), optimized).graph.nodes.map((n) => n.opType);
    // Residual Adds of two activations fuse to QLinearAdd; an Add of a constant (CMVN's variance + epsilon) stays float.
    const constants = new Set(fp32.graph.initializers.map((t) => t.name));
    const adds = fp32.graph.nodes.filter((n) => n.opType === 'Add' && n.inputs.every((i) => !constants.has(i))).length;
    expect(ops).toContain('QLinearConv');
    if (activations === 'uint8' || adds === 0) {
      expect(ops.filter((o) => o === 'Conv' || o === 'FusedConv')).toEqual([]);
      expect(ops.filter((o) => o === 'QLinearAdd')).toHaveLength(adds);
    }
  });
});
