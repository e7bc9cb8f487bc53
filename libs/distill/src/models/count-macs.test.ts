// countMacs counts conv/depthwise/dense kernels per output position, 0 for the rest, and rejects unknown layers.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedError } from '@whittle/datasets';
import { countMacs } from './count-macs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const L = tf.layers;

describe('countMacs', () => {
  it('counts kernel size x output positions for Conv2D, DepthwiseConv2D and Dense; pools, BN and Add count 0', () => {
    const input = tf.input({ shape: [8, 6, 2] });
    const conv = L.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }).apply(input) as tf.SymbolicTensor; // 4x3 positions
    const bn = L.batchNormalization({}).apply(conv) as tf.SymbolicTensor;
    const dw = L.depthwiseConv2d({ kernelSize: [1, 3], padding: 'same', depthMultiplier: 2 }).apply(bn) as tf.SymbolicTensor; // 4x3, 8 channels
    const pooled = L.averagePooling2d({ poolSize: [1, 3], strides: [1, 3] }).apply(dw) as tf.SymbolicTensor; // 4x1
    const sum = L.add().apply([dw, pooled]) as tf.SymbolicTensor;
    const maxed = L.maxPooling2d({ poolSize: 2, padding: 'same' }).apply(sum) as tf.SymbolicTensor; // 2x2x8
    const out = L.dense({ units: 5 }).apply(L.flatten().apply(L.activation({ activation: 'swish' }).apply(maxed)) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    expect(countMacs(model)).toBe(12 * (3 * 3 * 2 * 4) + 12 * (1 * 3 * 4 * 2) + 32 * 5);
    model.dispose();
  });

  it('names the layer and lists the known classes for a layer it has no rule for', () => {
    const model = tf.sequential({ layers: [L.inputLayer({ inputShape: [4, 3] }), L.gru({ units: 2, name: 'gru_x' })] });
    expect(() => countMacs(model)).toThrow(UnsupportedError);
    expect(() => countMacs(model)).toThrow(/^countMacs: no MAC rule for layer class 'GRU' \(layer 'gru_x'\)\. Supported: Conv2D, DepthwiseConv2D, Dense, /);
    model.dispose();
  });
});
