// Every layer kind the exporter promises, on seeded random weights: parity <= 1e-4 vs tfjs, onnx.checker, int8, and errors naming the layer.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UnsupportedError } from '@whittle/datasets';
import { utteranceNormalization } from '@whittle/distill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectMinMax, type CalibrationFeed } from '../calibrate/collect-min-max.ts';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';
import { planQdq } from '../quantize/qdq-plan.ts';
import { quantizeStatic } from '../quantize/quantize-static.ts';
import { DEFAULT_STATIC_QUANTIZE_CONFIG } from '../quantize/static-quantize-config.ts';
import { checkWithOnnxChecker, maxAbsDiff, perturbBatchNorms, predictTfjs, randomData, randomizeWeights, runOnnx } from '../testing/onnx-test-utils.ts';
import { emitActivation, SUPPORTED_ACTIVATIONS } from './activation.ts';
import { DEFAULT_EXPORT_CONFIG } from './export-config.ts';
import { exportLayersModel } from './export-layers-model.ts';
import { GraphBuilder } from './graph-builder.ts';

const L = tf.layers;
type T = tf.SymbolicTensor;
const on = (layer: tf.layers.Layer, x: T | T[]): T => layer.apply(x) as T;
type Act = Parameters<typeof L.activation>[0]['activation'];

/** Every activation class tfjs 4 registers (logSoftmax too, though its ActivationIdentifier type omits it); the exporter must cover each. */
const TFJS_ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'hardSigmoid', 'tanh', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'mish', 'gelu', 'gelu_new', 'softmax', 'logSoftmax'] as const;

interface Case {
  /** The layer kind from the list that this case covers. */
  readonly kind: string;
  readonly name: string;
  readonly inputShape: number[];
  readonly build: (x: T) => T;
  /** Op types the exported graph must (not) contain. */
  readonly ops?: { readonly has?: readonly string[]; readonly lacks?: readonly string[] };
}

const conv = (filters: number, kernelSize = 1, extra: Partial<Parameters<typeof L.conv2d>[0]> = {}) => L.conv2d({ filters, kernelSize, ...extra });

const CASES: Case[] = [
  // Convolutions.
  { kind: 'Conv2D', name: '3x3 stride 2 same, relu', inputShape: [7, 6, 3], build: (x) => on(conv(4, 3, { strides: 2, padding: 'same', activation: 'relu' }), x) },
  { kind: 'Conv2D', name: '3x3 dilation 2 valid, no bias', inputShape: [8, 7, 2], build: (x) => on(conv(3, 3, { dilationRate: 2, useBias: false }), x) },
  { kind: 'DepthwiseConv2D', name: 'multiplier 2, stride 2 same, sigmoid', inputShape: [7, 6, 3], build: (x) => on(L.depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'same', activation: 'sigmoid' }), x) },
  { kind: 'SeparableConv2D', name: '3x3 same, relu6', inputShape: [6, 5, 3], build: (x) => on(L.separableConv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu6' }), x), ops: { has: ['Conv', 'Clip'] } },
  { kind: 'SeparableConv2D', name: '3x3 stride 2 same, multiplier 2, no bias', inputShape: [7, 8, 3], build: (x) => on(L.separableConv2d({ filters: 5, kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'same', useBias: false }), x) },
  { kind: 'SeparableConv2D', name: '3x3 dilation 2 valid, multiplier 3, tanh', inputShape: [8, 9, 2], build: (x) => on(L.separableConv2d({ filters: 3, kernelSize: 3, dilationRate: 2, depthMultiplier: 3, activation: 'tanh' }), x) },
  { kind: 'SeparableConv2D', name: '4x2 stride 2 same on a one-channel image (even kernel, odd size)', inputShape: [9, 7, 1], build: (x) => on(L.separableConv2d({ filters: 4, kernelSize: [4, 2], strides: 2, padding: 'same' }), x) },
  {
    kind: 'SeparableConv2D',
    name: 'then BatchNormalization (folds into the pointwise Conv) and ReLU',
    inputShape: [5, 5, 3],
    build: (x) => on(L.reLU(), on(L.batchNormalization({}), on(L.separableConv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false }), x))),
    ops: { lacks: ['Mul', 'Add'] },
  },
  // Dense.
  { kind: 'Dense', name: 'two layers, relu then linear', inputShape: [7], build: (x) => on(L.dense({ units: 3 }), on(L.dense({ units: 6, activation: 'relu' }), x)), ops: { has: ['Gemm', 'Relu'] } },
  // Batch norm, folded and standalone.
  { kind: 'BatchNormalization', name: 'folded into Conv2D', inputShape: [5, 4, 2], build: (x) => on(L.batchNormalization({ epsilon: 0.01 }), on(conv(3, 3, { padding: 'same' }), x)), ops: { lacks: ['Mul', 'Add'] } },
  { kind: 'BatchNormalization', name: 'standalone after Dense with relu', inputShape: [6], build: (x) => on(L.batchNormalization({}), on(L.dense({ units: 4, activation: 'relu' }), x)), ops: { has: ['Mul', 'Add'] } },
  {
    kind: 'BatchNormalization',
    name: 'standalone after Add of two convs (NCHW)',
    inputShape: [5, 4, 3],
    build: (x) => on(L.batchNormalization({}), on(L.add(), [on(conv(3), x), on(conv(3, 3, { padding: 'same' }), x)])),
    ops: { has: ['Mul'] },
  },
  { kind: 'BatchNormalization', name: 'standalone after Add of two Dense vectors', inputShape: [5], build: (x) => on(L.batchNormalization({ center: false }), on(L.add(), [on(L.dense({ units: 4 }), x), on(L.dense({ units: 4 }), x)])), ops: { has: ['Mul'] } },
  { kind: 'BatchNormalization', name: 'standalone on the channels-last input image', inputShape: [4, 3, 3], build: (x) => on(conv(2), on(L.batchNormalization({ scale: false }), x)), ops: { has: ['Mul'] } },
  // Activations fused into Conv2D (NCHW, softmax over axis 1) and into Dense.
  ...TFJS_ACTIVATIONS.map((activation): Case => ({ kind: 'activation', name: `'${activation}' fused into Conv2D`, inputShape: [3, 4, 2], build: (x) => on(conv(3, 1, { activation: activation as Act }), x) })),
  ...TFJS_ACTIVATIONS.map((activation): Case => ({ kind: 'activation', name: `'${activation}' fused into Dense`, inputShape: [5], build: (x) => on(L.dense({ units: 4, activation: activation as Act }), x) })),
  // Standalone activation layers.
  ...TFJS_ACTIVATIONS.map((activation): Case => ({ kind: 'Activation', name: `'${activation}' layer on a conv output`, inputShape: [3, 3, 2], build: (x) => on(L.activation({ activation: activation as Act }), on(conv(3), x)) })),
  { kind: 'ReLU', name: 'layer, and maxValue 6 (ReLU6)', inputShape: [4, 3, 2], build: (x) => on(L.reLU({ maxValue: 6 }), on(conv(3), on(L.reLU(), x))), ops: { has: ['Relu', 'Clip'] } },
  { kind: 'LeakyReLU', name: 'default alpha (0.3) on a conv output', inputShape: [4, 3, 2], build: (x) => on(L.leakyReLU(), on(conv(3), x)), ops: { has: ['LeakyRelu'] } },
  { kind: 'LeakyReLU', name: 'alpha 0.05 after Dense', inputShape: [5], build: (x) => on(L.leakyReLU({ alpha: 0.05 }), on(L.dense({ units: 4 }), x)), ops: { has: ['LeakyRelu'] } },
  { kind: 'Softmax', name: 'layer on a conv output (channel axis)', inputShape: [3, 3, 4], build: (x) => on(L.softmax({ axis: -1 }), on(conv(4), x)), ops: { has: ['Softmax'] } },
  { kind: 'Softmax', name: 'layer (default axis 1) after Dense', inputShape: [5], build: (x) => on(L.softmax(), on(L.dense({ units: 4 }), x)), ops: { has: ['Softmax'] } },
  // Pooling.
  { kind: 'MaxPooling2D', name: '3x3 stride 2 same', inputShape: [7, 6, 2], build: (x) => on(L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), x) },
  { kind: 'AveragePooling2D', name: '2x2 same, odd size', inputShape: [5, 7, 2], build: (x) => on(L.averagePooling2d({ poolSize: 2, padding: 'same' }), on(conv(3), x)) },
  { kind: 'GlobalAveragePooling2D', name: 'then Dense', inputShape: [4, 5, 3], build: (x) => on(L.dense({ units: 2 }), on(L.globalAveragePooling2d({}), on(conv(4), x))) },
  { kind: 'GlobalMaxPooling2D', name: 'then Dense', inputShape: [4, 5, 3], build: (x) => on(L.dense({ units: 2 }), on(L.globalMaxPooling2d({}), on(conv(4), x))), ops: { has: ['GlobalMaxPool'] } },
  // Shape layers.
  { kind: 'Flatten', name: 'of a multi-channel conv output (NHWC order)', inputShape: [4, 3, 2], build: (x) => on(L.dense({ units: 3 }), on(L.flatten(), on(conv(3, 2), x))) },
  { kind: 'Reshape', name: '[T, F] -> [T, F, 1] -> conv -> [T*F*C/2, 2]', inputShape: [6, 4], build: (x) => on(L.reshape({ targetShape: [36, 2] }), on(conv(3, 3, { padding: 'same' }), on(L.reshape({ targetShape: [6, 4, 1] }), x))) },
  // Merges.
  { kind: 'Add', name: 'residual conv + input', inputShape: [5, 4, 3], build: (x) => on(L.add(), [x, on(conv(3, 3, { padding: 'same' }), x)]) },
  { kind: 'Concatenate', name: 'channel axis (-1) of two conv outputs (NCHW axis 1)', inputShape: [5, 4, 2], build: (x) => on(conv(2), on(L.concatenate(), [on(conv(3), x), on(conv(2, 3, { padding: 'same' }), x)])), ops: { has: ['Concat'] } },
  { kind: 'Concatenate', name: 'height axis 1, input (channels-last) + conv (NCHW)', inputShape: [3, 4, 2], build: (x) => on(L.concatenate({ axis: 1 }), [x, on(conv(2), x)]) },
  { kind: 'Concatenate', name: 'width axis 2 of three branches', inputShape: [3, 4, 2], build: (x) => on(L.concatenate({ axis: 2 }), [on(conv(2), x), x, on(L.maxPooling2d({ poolSize: [1, 2] }), x)]) },
  { kind: 'Concatenate', name: 'channel axis of two channels-last inputs (no Transpose)', inputShape: [3, 4, 2], build: (x) => on(L.concatenate(), [x, on(L.reLU(), x)]), ops: { lacks: ['Transpose'] } },
  { kind: 'Concatenate', name: 'two Dense vectors', inputShape: [5], build: (x) => on(L.dense({ units: 2 }), on(L.concatenate(), [on(L.dense({ units: 3 }), x), on(L.dense({ units: 4 }), x)])) },
  { kind: 'Concatenate', name: 'rank-3 [T, F] on axis 1 (time)', inputShape: [3, 4], build: (x) => on(L.concatenate({ axis: 1 }), [x, on(L.reshape({ targetShape: [3, 4] }), on(L.dense({ units: 12 }), on(L.flatten(), x)))]) },
  // Per-clip input normalisation (@whittle/distill), as the DS-CNN-S-CMN zoo models start.
  { kind: 'UtteranceNormalization', name: 'mean over frames, then [T, F, 1] conv', inputShape: [6, 4], build: (x) => on(conv(2, 3, { padding: 'same' }), on(L.reshape({ targetShape: [6, 4, 1] }), on(utteranceNormalization(), x))), ops: { has: ['ReduceMean', 'Sub'], lacks: ['Div'] } },
  { kind: 'UtteranceNormalization', name: 'mean and variance, then Dense', inputShape: [5, 3], build: (x) => on(L.dense({ units: 2 }), on(L.flatten(), on(utteranceNormalization({ scale: true, epsilon: 0.01 }), x))), ops: { has: ['ReduceMean', 'Sqrt', 'Div'] } },
  // Padding and dropout.
  { kind: 'ZeroPadding2D', name: 'symmetric 1 on the channels-last input, then conv valid', inputShape: [4, 5, 2], build: (x) => on(conv(3, 3), on(L.zeroPadding2d({ padding: 1 }), x)), ops: { has: ['Pad'] } },
  { kind: 'ZeroPadding2D', name: 'asymmetric [[1, 2], [0, 3]] after a conv (pads NCHW)', inputShape: [4, 3, 2], build: (x) => on(L.zeroPadding2d({ padding: [[1, 2], [0, 3]] }), on(conv(3), x)), ops: { has: ['Pad'] } },
  { kind: 'ZeroPadding2D', name: '[h, w] = [2, 1] on a one-channel image, then depthwise conv', inputShape: [3, 4, 1], build: (x) => on(L.depthwiseConv2d({ kernelSize: 2 }), on(L.zeroPadding2d({ padding: [2, 1] }), x)) },
  { kind: 'Dropout', name: 'removed between two Dense', inputShape: [5], build: (x) => on(L.dense({ units: 2 }), on(L.dropout({ rate: 0.4 }), on(L.dense({ units: 4 }), x))), ops: { lacks: ['Dropout', 'Identity'] } },
];

const BATCH = 3;

function buildModel(inputShape: number[], build: (x: T) => T, seed: number): tf.LayersModel {
  const input = tf.input({ shape: inputShape });
  const model = tf.model({ inputs: input, outputs: build(input) });
  randomizeWeights(model, seed);
  perturbBatchNorms(model, seed + 1);
  return model;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('layer coverage: exported graph vs tfjs cpu (max |Δ| <= 1e-4, batch 3)', () => {
  it.each(CASES.map((c, i) => [`${c.kind}: ${c.name}`, c, i] as const))('%s', async (_name, c, i) => {
    const model = buildModel(c.inputShape, c.build, 1000 + 10 * i);
    const dims = [BATCH, ...c.inputShape];
    const x = randomData(dims.reduce((a, b) => a * b, 1), 2000 + i);
    const expected = predictTfjs(model, x, dims);
    const before = tf.memory().numTensors;
    const onnx = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
    expect(tf.memory().numTensors).toBe(before);
    const actual = await runOnnx(onnx, x, dims);
    expect(actual).toHaveLength(expected.length);
    expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(1e-4);
    const ops = onnx.graph.nodes.map((n) => n.opType);
    for (const op of c.ops?.has ?? []) expect(ops).toContain(op);
    for (const op of c.ops?.lacks ?? []) expect(ops).not.toContain(op);
    model.dispose();
  });

  it('covers every activation identifier tfjs accepts', () => {
    expect([...SUPPORTED_ACTIVATIONS].sort()).toEqual([...TFJS_ACTIVATIONS].sort());
  });
});

/** One model with every op the new exporters emit, for onnx.checker and for int8. */
function allNewOps(x: T): T {
  const padded = on(L.zeroPadding2d({ padding: [[1, 0], [0, 1]] }), x);
  const sep = on(L.leakyReLU({ alpha: 0.1 }), on(L.separableConv2d({ filters: 6, kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'valid' }), padded));
  const side = on(L.activation({ activation: 'mish' }), on(conv(4, 3, { strides: 2, padding: 'same', activation: 'selu' }), x));
  const joined = on(L.concatenate(), [sep, side]);
  const pooled = on(L.concatenate(), [on(L.globalMaxPooling2d({}), joined), on(L.globalAveragePooling2d({}), on(L.activation({ activation: 'gelu' }), joined))]);
  const hidden = on(L.dense({ units: 6, activation: 'gelu_new' }), on(L.dense({ units: 8, activation: 'hardSigmoid' }), pooled));
  return on(L.activation({ activation: 'logSoftmax' as Act }), hidden);
}

describe('a model with all new ops together', () => {
  const SHAPE = [8, 8, 3];
  const STRIDE = SHAPE.reduce((a, b) => a * b, 1);
  let model: tf.LayersModel;
  let dir: string;

  beforeAll(async () => {
    model = buildModel(SHAPE, allNewOps, 77);
    dir = await mkdtemp(join(tmpdir(), 'whittle-layer-coverage-'));
  });

  afterAll(async () => {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('passes onnx.checker full_check and keeps parity', async () => {
    const onnx = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
    const ops = new Set(onnx.graph.nodes.map((n) => n.opType));
    for (const op of ['Pad', 'Conv', 'LeakyRelu', 'Selu', 'Softplus', 'Concat', 'GlobalMaxPool', 'Erf', 'HardSigmoid', 'LogSoftmax']) expect(ops).toContain(op);
    const file = join(dir, 'model.onnx');
    await writeFile(file, encodeOnnxModel(onnx));
    expect(() => checkWithOnnxChecker(file)).not.toThrow();
    const x = randomData(2 * STRIDE, 78);
    expect(maxAbsDiff(await runOnnx(onnx, x, [2, ...SHAPE]), predictTfjs(model, x, [2, ...SHAPE]))).toBeLessThanOrEqual(1e-4);
  });

  it('quantizes to int8 QDQ (Pad shares its input params), passes onnx.checker and stays within 0.03 of fp32', async () => {
    const fp32 = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
    const plan = planQdq(fp32.graph);
    const pad = fp32.graph.nodes.find((n) => n.opType === 'Pad')!;
    // The Pad reads the model input, so its output is quantized with the input's scale and zero point.
    expect(plan.paramsOf.get(pad.outputs[0]!)).toBe(plan.paramsOf.get(pad.inputs[0]!));
    expect(plan.calibrated).not.toContain(pad.outputs[0]);
    const data = randomData(40 * STRIDE, 79);
    const feeds = function* (): Generator<CalibrationFeed> {
      for (let i = 0; i < 32; i++) yield { input_values: { data: data.slice(i * STRIDE, (i + 1) * STRIDE), dims: [1, ...SHAPE] } };
    };
    const int8 = quantizeStatic(fp32, await collectMinMax(fp32, feeds(), {}), DEFAULT_STATIC_QUANTIZE_CONFIG);
    const int8Ops = int8.graph.nodes.map((n) => n.opType);
    expect(int8Ops).toContain('QuantizeLinear');
    expect(int8.graph.initializers.filter((t) => t.dataType === 'int8').length).toBeGreaterThanOrEqual(4);
    const file = join(dir, 'model_int8.onnx');
    await writeFile(file, encodeOnnxModel(int8));
    expect(() => checkWithOnnxChecker(file)).not.toThrow();
    // Held-out inputs (the last 8): log-probabilities of 6 classes, |y| <= 2.04; measured max |Δ| 0.0085.
    const held = data.slice(32 * STRIDE);
    const reference = await runOnnx(fp32, held, [8, ...SHAPE]);
    const quantized = await runOnnx(int8, held, [8, ...SHAPE]);
    expect(maxAbsDiff(quantized, reference)).toBeLessThanOrEqual(0.03);
    expect(maxAbsDiff(quantized, reference)).toBeGreaterThan(0);
  });
});

describe('layer coverage: what is not supported says which layer and why', () => {
  it.each([
    ['UpSampling2D', 'up_1', [4, 4, 2], () => L.upSampling2d({ size: [2, 2], name: 'up_1' })],
    ['Conv1D', 'conv1d_1', [6, 3], () => L.conv1d({ filters: 2, kernelSize: 3, name: 'conv1d_1' })],
    ['GRU', 'gru_1', [5, 3], () => L.gru({ units: 4, name: 'gru_1' })],
  ] as const)('rejects %s naming the layer and its class', (className, layerName, inputShape, layer) => {
    const model = tf.sequential({ layers: [L.inputLayer({ inputShape: [...inputShape] }), layer()] });
    const call = () => exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
    expect(call).toThrow(UnsupportedError);
    expect(call).toThrow(new RegExp(`^Unsupported layer class '${className}' \\(layer '${layerName}'\\)\\. Supported: .*SeparableConv2D.*Concatenate, ZeroPadding2D, WhittleUtteranceNormalization$`));
    model.dispose();
  });

  it('rejects an activation name outside the tfjs set, naming the layer and the value', () => {
    const b = new GraphBuilder();
    // Keras (python) spells it 'hard_sigmoid'; tfjs calls it 'hardSigmoid'.
    expect(() => emitActivation(b, { name: 'x', shape: [3], layout: 'channels-last' }, 'hard_sigmoid', 'x_act', "layer 'dense_9'")).toThrow(
      /^Unsupported activation 'hard_sigmoid' \(layer 'dense_9'\)\. Supported: linear, relu, relu6, /,
    );
  });

  it('rejects a negative Concatenate axis other than -1 (tfjs would compute it as -1), naming the layer', () => {
    const input = tf.input({ shape: [3, 4, 2] });
    const model = tf.model({ inputs: input, outputs: on(L.concatenate({ axis: -2, name: 'cat_w' }), [input, input]) });
    expect(() => exportLayersModel(model, DEFAULT_EXPORT_CONFIG)).toThrow(/^Unsupported Concatenate axis -2 \(layer 'cat_w'\)\. Supported: -1 or an axis in 1\.\.3 /);
    model.dispose();
  });

  it('rejects SeparableConv2D options ONNX Conv cannot express, naming the layer', () => {
    const model = tf.sequential({ layers: [L.inputLayer({ inputShape: [3, 5, 5] }), L.separableConv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst', name: 'sep_cf' })] });
    expect(() => exportLayersModel(model, DEFAULT_EXPORT_CONFIG)).toThrow(`Unsupported SeparableConv2D dataFormat "channelsFirst" (layer 'sep_cf'). Supported: 'channelsLast'`);
    model.dispose();
  });
});
