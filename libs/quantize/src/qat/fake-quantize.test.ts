// Activation fake-quant: values equal quantizeArray + dequantizeValue exactly, straight-through gradient inside the range only.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationParams, type QuantParams, type QuantType } from '../quantize/math/quant-params.ts';
import { dequantizeValue, quantizeArray } from '../quantize/math/quantize-values.ts';
import { fakeQuantize } from './fake-quantize.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Ties at x / scale = k + 0.5, saturation on both sides, and plenty of ordinary values.
const VALUES = Float32Array.from([0, 0.05, -0.05, 0.15, -0.15, 0.25, 1.25, -1.25, 2.5, 12.75, -12.85, 40, -40, 1e-8, ...Array.from({ length: 300 }, (_, i) => Math.sin(i * 12.9898) * 9)]);

describe('fakeQuantize', () => {
  it.each([
    ['int8', { scale: 0.1, zeroPoint: 0 }],
    ['int8', { scale: 0.05, zeroPoint: -128 }],
    ['int8', activationParams({ min: -1, max: 3 }, 'int8', false)],
    ['int8', activationParams({ min: -2, max: 5 }, 'int8', true)],
    ['uint8', { scale: 0.1, zeroPoint: 128 }],
    ['uint8', activationParams({ min: 0, max: 3 }, 'uint8', false)],
  ] as [QuantType, QuantParams][])('%s %o matches QuantizeLinear -> DequantizeLinear bit for bit', (type, params) => {
    const p = { scale: Math.fround(params.scale), zeroPoint: params.zeroPoint };
    const expected = Array.from(quantizeArray(VALUES, p, type), (q) => dequantizeValue(q, p));
    const got = tf.tidy(() => fakeQuantize(tf.tensor1d(VALUES), p, type).dataSync());
    expect(Array.from(got)).toEqual(expected);
  });

  it('passes the gradient straight through inside [(qmin - zp) * s, (qmax - zp) * s] and zeroes it outside', () => {
    // int8, scale 0.1, zero point -28: representable [-10, 15.5].
    const p = { scale: 0.1, zeroPoint: -28 };
    const x = Float32Array.of(-10.5, -10, -3.33, 0, 7.77, 15.5, 15.6, 100);
    const before = tf.memory().numTensors;
    const grad = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(fakeQuantize(t, p, 'int8'), 3)))(tf.tensor1d(x)).dataSync());
    expect(Array.from(grad)).toEqual([0, 3, 3, 3, 3, 3, 0, 0]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
