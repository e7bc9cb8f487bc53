// The fused batch-norm gradient sums (compiled SIMD loop and kernel-chain fallback) match cpu reductions.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormGradSums } from './batch-norm-grad-sums.ts';
import { batchNormForwardSource, batchNormGradSumsSource } from './batch-norm-simd.ts';
import { installWasmKernelOverrides } from './install-wasm-kernel-overrides.ts';
import type { WasmBackendLike } from './wasm-kernel-calls.ts';

/** Relative to the largest sum: float32 partial sums against the cpu backend's float64 running sums. */
const TOLERANCE = 2e-5;

const SHAPES: number[][] = [
  [4, 6, 5, 16], // 16 channels per loop iteration
  [3, 5, 4, 24], // 8 per iteration
  [7, 12], // 4 per iteration, rank 2
  [300, 64], // DS-CNN's channels
  [2, 3, 4, 6], // channels not a multiple of 4: kernel chain
  [5000, 4], // several partial sums, the last one short
];

function inputs(shape: number[]) {
  const channels = shape[shape.length - 1] as number;
  return {
    dy: tf.randomNormal(shape, 0, 1, 'float32', 31),
    x: tf.add(tf.randomNormal(shape, 0, 1, 'float32', 32), 2),
    mean: tf.add(tf.randomNormal([channels], 0, 0.1, 'float32', 33), 2),
  };
}

function maxRelDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0) / scale;
}

const reference = new Map<string, number[]>();

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const shape of SHAPES) {
    const sums = tf.tidy(() => {
      const { dy, x, mean } = inputs(shape);
      const axes = shape.slice(0, -1).map((_, i) => i);
      return tf.concat([tf.sum(dy, axes), tf.sum(tf.mul(dy, tf.sub(x, mean)), axes)]);
    });
    reference.set(String(shape), Array.from(sums.dataSync()));
    sums.dispose();
  }
  await tf.setBackend('wasm');
  await tf.ready();
  installWasmKernelOverrides();
});

describe.each(SHAPES)('WhittleBatchNormGradSums on wasm matches cpu: %#', (...shape) => {
  it.each([true, false])(`[${shape}], compiled loop allowed: %s`, (allowSimd) => {
    const backend = tf.backend() as unknown as WasmBackendLike;
    const before = tf.memory().numTensors;
    const sums = tf.tidy(() => {
      const { dy, x, mean } = inputs(shape);
      return tf.engine().makeTensorFromTensorInfo(batchNormGradSums({ inputs: { dy, x, mean }, backend }, allowSimd));
    });
    expect(sums.shape).toEqual([2, shape[shape.length - 1]]);
    expect(maxRelDiff(Array.from(sums.dataSync()), reference.get(String(shape)) as number[])).toBeLessThan(TOLERANCE);
    sums.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('batch-norm SIMD sources', () => {
  it('decline channel counts that are not a multiple of 4 and empty tensors', () => {
    expect(batchNormForwardSource(10, 6)).toBeUndefined();
    expect(batchNormGradSumsSource(10, 6)).toBeUndefined();
    expect(batchNormForwardSource(0, 8)).toBeUndefined();
    expect(batchNormGradSumsSource(0, 8)).toBeUndefined();
    expect(batchNormForwardSource(10, 64)?.locals).toEqual([[4, 0x7f]]);
    expect(batchNormGradSumsSource(10, 64)?.locals).toEqual([[6, 0x7f], [1, 0x7b]]);
  });
});
