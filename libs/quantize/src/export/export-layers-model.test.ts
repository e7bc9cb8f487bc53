// Per-layer parity of the tfjs -> ONNX exporter against tfjs predict on the deterministic cpu backend.
import * as tf from '@tensorflow/tfjs';
import { UnsupportedError } from '@whittle/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff, predictTfjs, randomData, randomizeWeights, runOnnx } from '../testing/onnx-test-utils.ts';
import { DEFAULT_EXPORT_CONFIG } from './export-config.ts';
import { exportLayersModel } from './export-layers-model.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface Case {
  readonly name: string;
  readonly inputShape: number[];
  readonly layers: () => tf.layers.Layer[];
  /** Op types the exported graph must (not) contain. */
  readonly ops?: { has?: string[]; lacks?: string[]; first?: string[] };
}

const L = tf.layers;
const CASES: Case[] = [
  { name: 'Conv2D 3x3 stride 1 same', inputShape: [7, 6, 3], layers: () => [L.conv2d({ filters: 4, kernelSize: 3, padding: 'same' })] },
  { name: 'Conv2D 3x3 stride 1 valid', inputShape: [7, 6, 3], layers: () => [L.conv2d({ filters: 4, kernelSize: 3, padding: 'valid' })] },
  { name: 'Conv2D 3x3 stride 2 same, odd input', inputShape: [7, 9, 2], layers: () => [L.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })] },
  { name: 'Conv2D 2x2 stride 1 same (even kernel pads at the end)', inputShape: [6, 5, 2], layers: () => [L.conv2d({ filters: 3, kernelSize: 2, padding: 'same' })] },
  { name: 'Conv2D 4x2 stride 2 same, even input', inputShape: [8, 6, 2], layers: () => [L.conv2d({ filters: 3, kernelSize: [4, 2], strides: 2, padding: 'same' })] },
  { name: 'Conv2D 3x3 stride 2 valid, no bias, relu', inputShape: [9, 8, 2], layers: () => [L.conv2d({ filters: 3, kernelSize: 3, strides: 2, useBias: false, activation: 'relu' })], ops: { has: ['Relu'] } },
  { name: 'Conv2D 3x3 dilation 2 same', inputShape: [9, 8, 2], layers: () => [L.conv2d({ filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same' })] },
  {
    name: 'Reshape to one channel + Conv2D 10x4 stride 2 same (DS-CNN first layer)',
    inputShape: [25, 12],
    layers: () => [L.reshape({ targetShape: [25, 12, 1] }), L.conv2d({ filters: 5, kernelSize: [10, 4], strides: 2, padding: 'same' })],
    // One Reshape lands in NCHW; the only Transpose restores NHWC for the rank-4 model output.
    ops: { first: ['Reshape', 'Conv', 'Transpose'] },
  },
  { name: 'DepthwiseConv2D 3x3 same', inputShape: [6, 5, 3], layers: () => [L.depthwiseConv2d({ kernelSize: 3, padding: 'same' })] },
  { name: 'DepthwiseConv2D multiplier 2, stride 2 same, relu6', inputShape: [7, 6, 3], layers: () => [L.depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'same', activation: 'relu6' })], ops: { has: ['Clip'] } },
  { name: 'DepthwiseConv2D 2x2 valid, no bias', inputShape: [5, 5, 4], layers: () => [L.depthwiseConv2d({ kernelSize: 2, useBias: false })] },
  {
    name: 'Conv2D + BatchNormalization folded',
    inputShape: [6, 6, 2],
    layers: () => [L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false }), L.batchNormalization({}), L.reLU()],
    ops: { lacks: ['Mul', 'Add', 'BatchNormalization'] },
  },
  {
    name: 'DepthwiseConv2D (with bias) + BatchNormalization(epsilon 0.01) folded',
    inputShape: [6, 6, 3],
    layers: () => [L.depthwiseConv2d({ kernelSize: 3, padding: 'same' }), L.batchNormalization({ epsilon: 0.01 })],
    ops: { lacks: ['Mul', 'Add'] },
  },
  { name: 'BatchNormalization standalone (after relu, not foldable)', inputShape: [5, 4, 3], layers: () => [L.conv2d({ filters: 3, kernelSize: 1, activation: 'relu' }), L.batchNormalization({})], ops: { has: ['Mul', 'Add'] } },
  { name: 'BatchNormalization on the input, center/scale off', inputShape: [6], layers: () => [L.batchNormalization({ center: false, scale: false }), L.dense({ units: 3 })], ops: { has: ['Mul', 'Add'] } },
  { name: 'Dense + BatchNormalization folded', inputShape: [6], layers: () => [L.dense({ units: 4, useBias: false }), L.batchNormalization({})], ops: { lacks: ['Mul', 'Add'] } },
  { name: 'GlobalAveragePooling2D + Dense', inputShape: [5, 4, 3], layers: () => [L.globalAveragePooling2d({}), L.dense({ units: 2 })], ops: { has: ['GlobalAveragePool', 'Gemm'] } },
  { name: 'Flatten of a multi-channel image (NHWC order restored)', inputShape: [4, 3, 2], layers: () => [L.conv2d({ filters: 3, kernelSize: 2 }), L.flatten(), L.dense({ units: 4 })], ops: { has: ['Transpose'] } },
  { name: 'Flatten of a one-channel image', inputShape: [4, 3, 1], layers: () => [L.conv2d({ filters: 1, kernelSize: 1 }), L.flatten()] },
  { name: 'Dropout removed', inputShape: [6], layers: () => [L.dense({ units: 5 }), L.dropout({ rate: 0.5 }), L.dense({ units: 2 })], ops: { lacks: ['Dropout', 'Identity'] } },
  { name: 'ReLU layer and ReLU(maxValue 0.5)', inputShape: [6], layers: () => [L.dense({ units: 5 }), L.reLU(), L.dense({ units: 4 }), L.reLU({ maxValue: 0.5 })], ops: { has: ['Relu', 'Clip'] } },
  { name: 'Softmax layer on an image (channel axis)', inputShape: [3, 3, 4], layers: () => [L.conv2d({ filters: 4, kernelSize: 1 }), L.softmax({ axis: -1 })] },
  { name: 'Softmax layer (default axis) after Dense', inputShape: [6], layers: () => [L.dense({ units: 4 }), L.softmax()] },
  { name: 'MaxPooling2D same + AveragePooling2D same', inputShape: [7, 6, 2], layers: () => [L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), L.averagePooling2d({ poolSize: 2, padding: 'same' })] },
  {
    name: 'AveragePooling2D over the whole width, valid (BC-ResNet frequency average)',
    inputShape: [5, 6, 3],
    layers: () => [L.conv2d({ filters: 4, kernelSize: 1 }), L.averagePooling2d({ poolSize: [1, 6], strides: [1, 6], padding: 'valid' })],
    ops: { has: ['AveragePool'] },
  },
  { name: "Activation 'swish' on an image (Sigmoid + Mul)", inputShape: [4, 3, 2], layers: () => [L.conv2d({ filters: 3, kernelSize: 1 }), L.activation({ activation: 'swish' })], ops: { has: ['Sigmoid', 'Mul'] } },
  ...['sigmoid', 'tanh', 'softmax', 'elu', 'softplus', 'softsign', 'relu6', 'swish'].map(
    (activation): Case => ({ name: `Activation '${activation}' (layer and fused into Dense)`, inputShape: [6], layers: () => [L.dense({ units: 5, activation: activation as 'relu' }), L.activation({ activation: activation as 'relu' })] }),
  ),
];

function build(c: Case): tf.Sequential {
  const model = tf.sequential();
  model.add(L.inputLayer({ inputShape: c.inputShape }));
  for (const layer of c.layers()) model.add(layer);
  return model;
}

describe('exportLayersModel per-layer parity (max |Δ| <= 1e-4 vs tfjs)', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const model = build(c);
    randomizeWeights(model, 100 + i);
    const dims = [2, ...c.inputShape];
    const x = randomData(dims.reduce((a, b) => a * b, 1), 200 + i);
    const expected = predictTfjs(model, x, dims);
    const before = tf.memory().numTensors;
    const onnx = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
    expect(tf.memory().numTensors).toBe(before);
    const actual = await runOnnx(onnx, x, dims);
    expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(1e-4);
    const ops = onnx.graph.nodes.map((n) => n.opType);
    for (const op of c.ops?.has ?? []) expect(ops).toContain(op);
    for (const op of c.ops?.lacks ?? []) expect(ops).not.toContain(op);
    if (c.ops?.first) expect(ops).toEqual(c.ops.first);
    expect(onnx.graph.outputs[0]?.shape).toEqual(['batch', ...(model.outputs[0]!.shape.slice(1) as number[])]);
    model.dispose();
  });
});

describe('exportLayersModel errors', () => {
  it('names an unsupported layer class and its layer, and lists the supported classes', () => {
    const model = tf.sequential({ layers: [L.inputLayer({ inputShape: [5, 3] }), L.gru({ units: 4, name: 'gru_1' })] });
    const call = () => exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
    expect(call).toThrow(UnsupportedError);
    expect(call).toThrow(/^Unsupported layer class 'GRU' \(layer 'gru_1'\)\. Supported: Conv2D, DepthwiseConv2D, BatchNormalization, Dense, /);
    model.dispose();
  });

  it('rejects options it cannot express, naming the layer and the option', () => {
    const model = tf.sequential({ layers: [L.inputLayer({ inputShape: [4, 5, 2] }), L.batchNormalization({ axis: 1, name: 'bn_h' })] });
    expect(() => exportLayersModel(model, DEFAULT_EXPORT_CONFIG)).toThrow("Unsupported BatchNormalization axis 1 (layer 'bn_h'). Supported: -1 (the channel axis, 3 here)");
    model.dispose();
  });

  it('rejects an opset outside 13-17', () => {
    const model = tf.sequential({ layers: [L.inputLayer({ inputShape: [3] }), L.dense({ units: 2 })] });
    expect(() => exportLayersModel(model, { ...DEFAULT_EXPORT_CONFIG, opset: 11 })).toThrow("Export config 'opset' must be one of 13, 14, 15, 16, 17; got 11");
    model.dispose();
  });
});

describe.each([13, 15, 17])('exportLayersModel at opset %i', (opset) => {
  it('declares the opset with its IR version and keeps parity', async () => {
    const model = build(CASES[7]!);
    randomizeWeights(model, 300);
    const dims = [1, ...CASES[7]!.inputShape];
    const x = randomData(dims.reduce((a, b) => a * b, 1), 301);
    const onnx = exportLayersModel(model, { ...DEFAULT_EXPORT_CONFIG, opset });
    expect(onnx.opsetImports).toEqual([{ domain: '', version: opset }]);
    expect(onnx.irVersion).toBe(opset <= 14 ? 7 : 8);
    expect(maxAbsDiff(await runOnnx(onnx, x, dims), predictTfjs(model, x, dims))).toBeLessThanOrEqual(1e-4);
    model.dispose();
  });
});
