// The real DS-CNN-S (with perturbed batch-norm statistics) exports with tfjs parity and carries its metadata.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDsCnn, DS_CNN_S } from '@whittle/distill';
import { decodeOnnxModel } from '../proto/decode-onnx-model.ts';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';
import { maxAbsDiff, perturbBatchNorms, predictTfjs, randomData, runOnnx } from '../testing/onnx-test-utils.ts';
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
