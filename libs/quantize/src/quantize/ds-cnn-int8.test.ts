// End to end on the real DS-CNN-S: export, calibrate on 32 random inputs, quantize; size, fusion, accuracy and onnx.checker.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDsCnn, DS_CNN_S } from '@whittle/distill';
import { collectMinMax } from '../calibrate/collect-min-max.ts';
import { DEFAULT_EXPORT_CONFIG } from '../export/export-config.ts';
import { exportLayersModel } from '../export/export-layers-model.ts';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { decodeOnnxModel } from '../proto/decode-onnx-model.ts';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';
import { checkWithOnnxChecker, perturbBatchNorms, randomData, runOnnx } from '../testing/onnx-test-utils.ts';
import { quantizeStatic } from './quantize-static.ts';
import { DEFAULT_STATIC_QUANTIZE_CONFIG } from './static-quantize-config.ts';

const { inputFrames: FRAMES, inputBins: BINS, numClasses: CLASSES } = DS_CNN_S;
const STRIDE = FRAMES * BINS;
const CALIBRATION_COUNT = 32;
// 32 calibration inputs followed by 32 the calibration never saw.
const INPUTS = randomData(2 * CALIBRATION_COUNT * STRIDE, 21);

let fp32: OnnxModel;
let int8: OnnxModel;
let fp32Bytes: Uint8Array;
let int8Bytes: Uint8Array;
let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const model = buildDsCnn(DS_CNN_S, 5);
  perturbBatchNorms(model, 6);
  fp32 = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
  model.dispose();
  async function* feeds() {
    for (let i = 0; i < CALIBRATION_COUNT; i++) yield { input_values: { data: INPUTS.slice(i * STRIDE, (i + 1) * STRIDE), dims: [1, FRAMES, BINS] } };
  }
  int8 = quantizeStatic(fp32, await collectMinMax(fp32, feeds(), {}), DEFAULT_STATIC_QUANTIZE_CONFIG);
  fp32Bytes = encodeOnnxModel(fp32);
  int8Bytes = encodeOnnxModel(int8);
  dir = await mkdtemp(join(tmpdir(), 'whittle-quantize-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('DS-CNN-S static int8', () => {
  it('is at most 35% of the fp32 file', () => {
    expect(int8Bytes.byteLength).toBeLessThanOrEqual(0.35 * fp32Bytes.byteLength);
  });

  it('is QDQ with int8 weights and int32 biases on every Conv and Gemm', () => {
    const decoded = decodeOnnxModel(int8Bytes);
    const ops = decoded.graph.nodes.map((n) => n.opType);
    // input, its reshape, 9 ReLU outputs, the pool and its flatten.
    expect(ops.filter((o) => o === 'QuantizeLinear')).toHaveLength(13);
    expect(ops).toContain('DequantizeLinear');
    const producer = (t: string) => decoded.graph.nodes.find((n) => n.outputs.includes(t));
    const init = (t: string) => decoded.graph.initializers.find((i) => i.name === t);
    const layers = decoded.graph.nodes.filter((n) => n.opType === 'Conv' || n.opType === 'Gemm');
    expect(layers.map((n) => n.name)).toEqual(['conv_1', 'dw_1', 'pw_1', 'dw_2', 'pw_2', 'dw_3', 'pw_3', 'dw_4', 'pw_4', 'logits']);
    for (const layer of layers) {
      expect(init(producer(layer.inputs[1]!)!.inputs[0]!)?.dataType).toBe('int8');
      expect(init(producer(layer.inputs[2]!)!.inputs[0]!)?.dataType).toBe('int32');
    }
  });

  it('is fused by onnxruntime into QLinearConv / QLinearGlobalAveragePool (no float Conv left)', async () => {
    const optimized = join(dir, 'optimized.onnx');
    const session = await ort.InferenceSession.create(int8Bytes, { intraOpNumThreads: 1, optimizedModelFilePath: optimized });
    await session.release();
    const ops = decodeOnnxModel(new Uint8Array(await readFile(optimized)), optimized).graph.nodes.map((n) => n.opType);
    expect(ops.filter((o) => o === 'QLinearConv')).toHaveLength(9);
    expect(ops).toContain('QLinearGlobalAveragePool');
    expect(ops.filter((o) => o === 'Conv' || o === 'FusedConv' || o === 'Relu')).toEqual([]);
  });

  it('agrees with fp32 on top-1 and stays within a few percent of its logits', async () => {
    const count = 2 * CALIBRATION_COUNT;
    const dims = [count, FRAMES, BINS];
    const a = await runOnnx(fp32Bytes, INPUTS, dims);
    const b = await runOnnx(int8Bytes, INPUTS, dims);
    let agree = 0;
    let err = 0;
    let norm = 0;
    for (let i = 0; i < count; i++) {
      const ra = Array.from(a.subarray(i * CLASSES, (i + 1) * CLASSES));
      const rb = Array.from(b.subarray(i * CLASSES, (i + 1) * CLASSES));
      if (ra.indexOf(Math.max(...ra)) === rb.indexOf(Math.max(...rb))) agree++;
      for (let c = 0; c < CLASSES; c++) {
        err += (ra[c]! - rb[c]!) ** 2;
        norm += ra[c]! ** 2;
      }
    }
    const relativeError = Math.sqrt(err / norm);
    expect(agree / count).toBeGreaterThanOrEqual(0.9);
    expect(relativeError).toBeLessThan(0.05);
  });
});

describe('onnx.checker (python3-onnx, full_check)', () => {
  it.each(['fp32', 'int8'] as const)('accepts the %s file', async (variant) => {
    const file = join(dir, `model_${variant}.onnx`);
    await writeFile(file, variant === 'fp32' ? fp32Bytes : int8Bytes);
    expect(() => checkWithOnnxChecker(file)).not.toThrow();
  });
});
