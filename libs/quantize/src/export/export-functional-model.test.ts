// Functional (branching) models: Add with broadcasting and mixed layouts, topological order, a full BC-ResNet block; parity <= 1e-4 vs tfjs.
import * as tf from '@tensorflow/tfjs';
import { UnsupportedError } from '@whittle/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff, predictTfjs, randomData, randomizeWeights, runOnnx } from '../testing/onnx-test-utils.ts';
import { DEFAULT_EXPORT_CONFIG } from './export-config.ts';
import { exportLayersModel } from './export-layers-model.ts';
import { topologicalLayers } from './topological-layers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const L = tf.layers;
type T = tf.SymbolicTensor;
const on = (layer: tf.layers.Layer, x: T | T[]): T => layer.apply(x) as T;

interface Case {
  readonly name: string;
  readonly inputShape: number[];
  readonly build: (input: T) => T;
  readonly ops?: { readonly adds?: number; readonly transposes?: number; readonly has?: string[]; readonly lacks?: string[] };
}

const CASES: Case[] = [
  {
    name: 'Add broadcasting [H, 1, C] onto [H, W, C], both conv outputs (NCHW, no Transpose)',
    inputShape: [6, 5, 3],
    build: (x) => {
      const aux = on(L.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }), x);
      return on(L.add(), [aux, on(L.averagePooling2d({ poolSize: [1, 5], strides: [1, 5] }), aux)]);
    },
    // One Transpose into NCHW for the conv, one back for the image output: none around the Add.
    ops: { adds: 1, transposes: 2 },
  },
  {
    name: 'Add of three with mixed layouts (the channels-last model input + conv + broadcast pool)',
    inputShape: [5, 4, 3],
    build: (x) => on(L.add(), [x, on(L.conv2d({ filters: 3, kernelSize: 1 }), x), on(L.averagePooling2d({ poolSize: [1, 4], strides: [1, 4] }), x)]),
    ops: { adds: 2, has: ['Transpose'] },
  },
  {
    name: 'Add broadcasting [1, W, C] (the other axis) then ReLU',
    inputShape: [4, 6, 2],
    build: (x) => {
      const c = on(L.conv2d({ filters: 3, kernelSize: 1 }), x);
      return on(L.reLU(), on(L.add(), [on(L.averagePooling2d({ poolSize: [4, 1], strides: [4, 1] }), c), c]));
    },
  },
  {
    name: 'Add of two Dense vectors (residual MLP)',
    inputShape: [6],
    build: (x) => {
      const h = on(L.dense({ units: 5, activation: 'relu' }), x);
      return on(L.add(), [h, on(L.dense({ units: 5 }), h)]);
    },
    ops: { adds: 1 },
  },
  {
    name: 'Batch norm of a conv read by two branches (folds), then Add of both branches',
    inputShape: [5, 4, 2],
    build: (x) => {
      const bn = on(L.batchNormalization({}), on(L.conv2d({ filters: 3, kernelSize: 3, padding: 'same', useBias: false }), x));
      return on(L.add(), [on(L.reLU(), bn), on(L.activation({ activation: 'swish' }), bn)]);
    },
    ops: { adds: 1, lacks: ['BatchNormalization'] },
  },
  {
    name: 'BC-ResNet normal block: freq depthwise + BN, freq average, temporal depthwise + BN + swish + 1x1, identity + broadcast add, ReLU',
    inputShape: [6, 8, 4],
    build: (x) => {
      const aux = on(L.batchNormalization({}), on(L.depthwiseConv2d({ kernelSize: [1, 3], padding: 'same', useBias: false }), x));
      let t = on(L.averagePooling2d({ poolSize: [1, 8], strides: [1, 8] }), aux);
      t = on(L.activation({ activation: 'swish' }), on(L.batchNormalization({}), on(L.depthwiseConv2d({ kernelSize: [3, 1], padding: 'same', useBias: false }), t)));
      t = on(L.dropout({ rate: 0.3 }), on(L.conv2d({ filters: 4, kernelSize: 1, useBias: false }), t));
      return on(L.globalAveragePooling2d({}), on(L.reLU(), on(L.add(), [x, aux, t])));
    },
    ops: { adds: 2, has: ['Sigmoid', 'Mul', 'AveragePool'], lacks: ['BatchNormalization', 'Dropout'] },
  },
];

describe('exportLayersModel on functional models (max |Δ| <= 1e-4 vs tfjs)', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const input = tf.input({ shape: c.inputShape });
    const model = tf.model({ inputs: input, outputs: c.build(input) });
    randomizeWeights(model, 500 + i);
    const dims = [2, ...c.inputShape];
    const x = randomData(dims.reduce((a, b) => a * b, 1), 600 + i);
    const expected = predictTfjs(model, x, dims);
    const before = tf.memory().numTensors;
    const onnx = exportLayersModel(model, DEFAULT_EXPORT_CONFIG);
    expect(tf.memory().numTensors).toBe(before);
    expect(maxAbsDiff(await runOnnx(onnx, x, dims), expected)).toBeLessThanOrEqual(1e-4);
    const ops = onnx.graph.nodes.map((n) => n.opType);
    // Element-wise Adds only (a standalone batch norm would add one too; these all fold).
    if (c.ops?.adds !== undefined) expect(ops.filter((o) => o === 'Add')).toHaveLength(c.ops.adds);
    if (c.ops?.transposes !== undefined) expect(ops.filter((o) => o === 'Transpose')).toHaveLength(c.ops.transposes);
    for (const op of c.ops?.has ?? []) expect(ops).toContain(op);
    for (const op of c.ops?.lacks ?? []) expect(ops).not.toContain(op);
    model.dispose();
  });

  it('rejects an Add of inputs with different ranks, naming the layer', () => {
    const input = tf.input({ shape: [4, 3] });
    const model = tf.model({ inputs: input, outputs: on(L.add({ name: 'mixed_add' }), [input, on(L.dense({ units: 3 }), on(L.flatten(), input))]) });
    expect(() => exportLayersModel(model, DEFAULT_EXPORT_CONFIG)).toThrow(UnsupportedError);
    expect(() => exportLayersModel(model, DEFAULT_EXPORT_CONFIG)).toThrow("Unsupported Add input ranks [3,2] (layer 'mixed_add'). Supported: all rank 3, like the output");
    model.dispose();
  });
});

describe('topologicalLayers', () => {
  it('puts every layer after the layers it reads, keeping a chain in order', () => {
    const input = tf.input({ shape: [4, 4, 2], name: 'in' });
    // The short branch is built last but is read by the add, which must still come after it.
    const long = on(L.conv2d({ filters: 2, kernelSize: 1, name: 'long_2' }), on(L.conv2d({ filters: 2, kernelSize: 1, name: 'long_1' }), input));
    const short = on(L.conv2d({ filters: 2, kernelSize: 1, name: 'short' }), input);
    const out = on(L.dense({ units: 2, name: 'head' }), on(L.flatten({ name: 'flat' }), on(L.add({ name: 'sum' }), [long, short])));
    const model = tf.model({ inputs: input, outputs: out });
    const order = topologicalLayers(model).map((l) => l.name);
    expect(order).toHaveLength(model.layers.length);
    const at = (name: string) => order.indexOf(name);
    expect(at('in')).toBe(0);
    expect(at('long_1')).toBeLessThan(at('long_2'));
    expect(Math.max(at('long_2'), at('short'))).toBeLessThan(at('sum'));
    expect(order.slice(-3)).toEqual(['sum', 'flat', 'head']);
    const chain = tf.sequential({ layers: [L.dense({ inputShape: [3], units: 2, name: 'a' }), L.dense({ units: 2, name: 'b' })] });
    expect(topologicalLayers(chain).map((l) => l.name)).toEqual(chain.layers.map((l) => l.name));
    model.dispose();
    chain.dispose();
  });
});
