// batchNormTraining against tf.moments + tf.batchNorm: values, statistics and gradients on cpu and wasm, and the fused kernels' fallbacks.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormInputGrad } from '../kernels/batch-norm-input-grad.ts';
import { batchNormMoments } from '../kernels/batch-norm-moments.ts';
import { registerWasmGradientKernels } from '../kernels/register-wasm-gradient-kernels.ts';
import { installWasmKernelOverrides } from '../kernels/install-wasm-kernel-overrides.ts';
import type { WasmBackendLike } from '../kernels/wasm-kernel-calls.ts';
import { batchNormTraining } from './batch-norm-training.ts';

const TOLERANCE = 1e-4;
const EPSILON = 1e-3;

/** Shapes: compiled loops at 16, 64 and 12 channels; 6 channels takes the kernel-chain fallbacks on wasm. */
const SHAPES: number[][] = [[4, 6, 5, 16], [3, 7, 5, 64], [9, 12], [2, 3, 4, 6], [2000, 8]];

interface Result {
  y: number[];
  mean: number[];
  variance: number[];
  dx: number[];
  dGamma: number[];
  dBeta: number[];
}

function seeded(shape: number[]) {
  const channels = shape[shape.length - 1] as number;
  return {
    // An offset mean, so x - mean matters.
    x: tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 41), 1.5), 3),
    gamma: tf.randomNormal([channels], 1, 0.2, 'float32', 42) as tf.Tensor1D,
    beta: tf.randomNormal([channels], 0, 0.2, 'float32', 43) as tf.Tensor1D,
    w: tf.randomNormal(shape, 0, 1, 'float32', 44),
  };
}

/** Values and gradients of sum(bn(x) * w), by `fused` (batchNormTraining) or tfjs's own ops. */
function run(shape: number[], fused: boolean): Result {
  return tf.tidy(() => {
    const { x, gamma, beta, w } = seeded(shape);
    const axes = shape.slice(0, -1).map((_, i) => i);
    const bn = (xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      if (fused) return batchNormTraining(xs, g as tf.Tensor1D, b as tf.Tensor1D, EPSILON);
      const { mean, variance } = tf.moments(xs, axes);
      return { y: tf.batchNorm(xs, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, EPSILON), mean, variance };
    };
    const { y, mean, variance } = bn(x, gamma, beta);
    const f = (xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(bn(xs, g, b).y, w));
    const [dx, dGamma, dBeta] = tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)([x, gamma, beta]);
    const values = (t: tf.Tensor | undefined) => Array.from((t as tf.Tensor).dataSync());
    return { y: values(y), mean: values(mean), variance: values(variance), dx: values(dx), dGamma: values(dGamma), dBeta: values(dBeta) };
  });
}

function maxRelDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0) / scale;
}

function expectClose(got: Result, want: Result): void {
  for (const key of ['y', 'mean', 'variance', 'dx', 'dGamma', 'dBeta'] as const) expect(maxRelDiff(got[key], want[key]), key).toBeLessThan(TOLERANCE);
}

const reference = new Map<string, Result>();

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const shape of SHAPES) reference.set(String(shape), run(shape, false));
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmGradientKernels();
  installWasmKernelOverrides();
});

describe.each(['cpu', 'wasm'])('batchNormTraining on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it.each(SHAPES.map((s) => [s.join('x'), s] as const))('matches tf.moments + tf.batchNorm (cpu) in values, statistics and gradients: %s', (_, shape) => {
    expectClose(run(shape, true), reference.get(String(shape)) as Result);
  });

  it('leaves no tensors behind and rejects mismatched parameters', () => {
    run(SHAPES[0] as number[], true);
    const before = tf.memory().numTensors;
    run(SHAPES[0] as number[], true);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => batchNormTraining(tf.zeros([2, 4]), tf.ones([3]), tf.zeros([4]), EPSILON)).toThrow(/gamma \[3\]/);
  });
});

describe('fused batch-norm kernels without SIMD (wasm)', () => {
  it.each(SHAPES.slice(0, 3).map((s) => [s.join('x'), s] as const))('moments and input gradient match the compiled loops: %s', async (_, shape) => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackendLike;
    const channels = shape[shape.length - 1] as number;
    const outputs = [true, false].map((allowSimd) =>
      tf.tidy(() => {
        const { x, w } = seeded(shape);
        const coefficients = tf.randomNormal([4, channels], 0, 1, 'float32', 45);
        const moments = tf.engine().makeTensorFromTensorInfo(batchNormMoments({ inputs: { x }, backend }, allowSimd));
        const dx = tf.engine().makeTensorFromTensorInfo(batchNormInputGrad({ inputs: { dy: w, x, coefficients }, backend }, allowSimd));
        return [Array.from(moments.dataSync()), Array.from(dx.dataSync())];
      }),
    );
    const [simd, chain] = outputs as [number[][], number[][]];
    expect(maxRelDiff(simd[0] as number[], chain[0] as number[])).toBeLessThan(TOLERANCE);
    expect(maxRelDiff(simd[1] as number[], chain[1] as number[])).toBeLessThan(TOLERANCE);
  });
});
