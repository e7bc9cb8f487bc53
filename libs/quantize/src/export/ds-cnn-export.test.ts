// The real DS-CNN-S (with perturbed batch-norm statistics) exports with tfjs parity and carries its metadata; so do its per-clip-normalised variants, in fp32 and int8.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDsCnn, DS_CNN_S, DS_CNN_S_CMN, DS_CNN_S_CMVN } from '@whittle/distill';
import { collectMinMax, type CalibrationFeed } from '../calibrate/collect-min-max.ts';
import { quantizeStatic } from '../quantize/quantize-static.ts';
import { DEFAULT_STATIC_QUANTIZE_CONFIG } from '../quantize/static-quantize-config.ts';
import { decodeOnnxModel } from '../proto/decode-onnx-model.ts';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';
import { checkWithOnnxChecker, maxAbsDiff, perturbBatchNorms, predictTfjs, randomData, runOnnx } from '../testing/onnx-test-utils.ts';
import { DEFAULT_EXPORT_CONFIG } from './export-config.ts';
import { exportLayersModel } from './export-layers-model.ts';

let model: tf.Sequential;

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = buildDsCnn(DS_CNN_S, 3);
  perturbBatchNorms(model, 4);
});
afterAll(() => model.dispose());

describe('DS-CNN-S export', () => {
  it('matches tfjs within 1e-4 on random inputs, allocating no tensors', async () => {
    const dims = [3, DS_CNN_S.inputFrames, DS_CNN_S.inputBins];
    const x = randomData(dims[0]! * dims[1]! * dims[2]!, 5);
    const expected = predictTfjs(model, x, dims);
    const before = tf.memory().numTensors;
    const onnx = exportLayersModel(model, { ...DEFAULT_EXPORT_CONFIG, metadata: { whittle_model: 'ds-cnn-s' } });
    expect(tf.memory().numTensors).toBe(before);
    const bytes = encodeOnnxModel(onnx);
    const actual = await runOnnx(bytes, x, dims);
    expect(actual.length).toBe(3 * DS_CNN_S.numClasses);
    const diff = maxAbsDiff(actual, expected);
    expect(diff).toBeLessThanOrEqual(1e-4);

    // BN folded and dropout gone: 9 convs, one Gemm, nothing else with weights.
    const ops = onnx.graph.nodes.map((n) => n.opType);
    expect(ops.filter((o) => o === 'Conv')).toHaveLength(1 + 2 * DS_CNN_S.blocks);
    expect(ops).toEqual(['Reshape', 'Conv', 'Relu', ...Array.from({ length: DS_CNN_S.blocks }, () => ['Conv', 'Relu', 'Conv', 'Relu']).flat(), 'GlobalAveragePool', 'Flatten', 'Gemm']);
    const firstConv = onnx.graph.nodes[1]!;
    // 98x40, 10x4 stride 2: 8 rows and 2 columns of padding in total, split evenly.
    expect(firstConv.attributes).toContainEqual({ name: 'pads', type: 'ints', value: [4, 1, 4, 1] });
    expect(firstConv.attributes).toContainEqual({ name: 'strides', type: 'ints', value: [2, 2] });

    const decoded = decodeOnnxModel(bytes);
    expect(decoded.metadata).toEqual({ whittle_model: 'ds-cnn-s' });
    expect(decoded.opsetImports).toEqual([{ domain: '', version: 13 }]);
    expect(decoded.irVersion).toBe(7);
    expect(decoded.graph.inputs).toEqual([{ name: 'input_values', elemType: 'float32', shape: ['batch', 98, 40] }]);
    expect(decoded.graph.outputs).toEqual([{ name: 'logits', elemType: 'float32', shape: ['batch', 12] }]);
  });
});

describe.each([
  ['ds-cnn-s-cmn', DS_CNN_S_CMN, ['ReduceMean', 'Sub']],
  ['ds-cnn-s-cmvn', DS_CNN_S_CMVN, ['ReduceMean', 'Sub', 'Mul', 'ReduceMean', 'Add', 'Sqrt', 'Div']],
] as const)('%s export (per-clip input normalisation)', (_name, config, normOps) => {
  it('starts with the normalisation ops, matches tfjs within 1e-4, passes onnx.checker, and quantizes to int8 with the normalisation left in float', async () => {
    const cmn = buildDsCnn(config, 3);
    perturbBatchNorms(cmn, 4);
    const dims = [3, config.inputFrames, config.inputBins];
    // A per-bin offset on top of random rows: the mean the layer removes is far from zero, as in real log-mel rows.
    const x = randomData(dims[0]! * dims[1]! * dims[2]!, 5).map((v, i) => v + ((i % config.inputBins) - 20) * 0.5);
    const onnx = exportLayersModel(cmn, DEFAULT_EXPORT_CONFIG);
    expect(onnx.graph.nodes.map((n) => n.opType).slice(0, normOps.length + 1)).toEqual([...normOps, 'Reshape']);
    expect(maxAbsDiff(await runOnnx(onnx, x, dims), predictTfjs(cmn, x, dims))).toBeLessThanOrEqual(1e-4);
    const dir = await mkdtemp(join(tmpdir(), 'whittle-cmn-export-'));
    try {
      await writeFile(join(dir, 'model.onnx'), encodeOnnxModel(onnx));
      expect(() => checkWithOnnxChecker(join(dir, 'model.onnx'))).not.toThrow();
      const stride = dims[1]! * dims[2]!;
      const feeds = function* (): Generator<CalibrationFeed> {
        for (let i = 0; i < 3; i++) yield { input_values: { data: x.slice(i * stride, (i + 1) * stride), dims: [1, dims[1]!, dims[2]!] } };
      };
      const int8 = quantizeStatic(onnx, await collectMinMax(onnx, feeds(), {}), DEFAULT_STATIC_QUANTIZE_CONFIG);
      await writeFile(join(dir, 'model_int8.onnx'), encodeOnnxModel(int8));
      expect(() => checkWithOnnxChecker(join(dir, 'model_int8.onnx'))).not.toThrow();
      // The normalisation reads the float input directly: no QuantizeLinear before the ReduceMean.
      const mean = int8.graph.nodes.find((n) => n.opType === 'ReduceMean')!;
      expect(mean.inputs[0]).toBe('input_values');
      expect(int8.graph.nodes.filter((n) => n.opType === 'QuantizeLinear').length).toBeGreaterThan(5);
      expect(maxAbsDiff(await runOnnx(int8, x, dims), await runOnnx(onnx, x, dims))).toBeLessThan(0.5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    cmn.dispose();
  });
});
