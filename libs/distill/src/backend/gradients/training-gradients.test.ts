// The replacement FusedBatchNorm and Mean gradients give tfjs-core's values, on cpu and on wasm with the kernel overrides.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { installWasmKernelOverrides } from '../kernels/install-wasm-kernel-overrides.ts';
import { registerWasmGradientKernels } from '../kernels/register-wasm-gradient-kernels.ts';
import { fusedBatchNormGradConfig } from './fused-batch-norm-grad.ts';
import { MEAN_GRAD_CONFIG } from './mean-grad.ts';
import { registerTrainingGradients } from './register-training-gradients.ts';

/** Gradients sum thousands of products; reassociating them moves the last float32 bits. */
const TOLERANCE = 2e-5;

type Grads = Record<string, number[]>;

function maxRelDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 1); // no spread: arrays can exceed the argument limit
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0) / scale;
}

function expectClose(got: Grads, ref: Grads, tolerance = TOLERANCE): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(ref).sort());
  for (const key of Object.keys(ref)) expect(maxRelDiff(got[key] as number[], ref[key] as number[]), key).toBeLessThanOrEqual(tolerance);
}

interface NormCase {
  readonly name: string;
  readonly xShape: number[];
  readonly statShape: number[];
  readonly withScale: boolean;
  /** Shape to take the tfjs-core reference at, when it cannot handle xShape itself. */
  readonly referenceShape?: number[];
}

const NORM_CASES: NormCase[] = [
  { name: 'NHWC activation, per-channel statistics', xShape: [4, 6, 5, 8], statShape: [8], withScale: true },
  { name: 'without scale', xShape: [4, 6, 5, 8], statShape: [8], withScale: false },
  { name: 'channels not a multiple of 4 (no SIMD on wasm)', xShape: [3, 5, 4, 6], statShape: [6], withScale: true },
  { name: 'more rows than one partial sum', xShape: [8, 20, 10, 16], statShape: [16], withScale: true },
  // tfjs-core's gradient throws for rank-2 x (it tiles to rank 4); its reference is the same data as [12, 1, 1, 5].
  { name: 'rank-2 (dense) input', xShape: [12, 5], statShape: [5], withScale: true, referenceShape: [12, 1, 1, 5] },
  { name: 'full-shape statistics (delegated to the original gradient)', xShape: [4, 6, 5, 8], statShape: [4, 6, 5, 8], withScale: true },
];

/** Inputs of one FusedBatchNorm call; the mean is offset from zero so x - mean matters. */
function normInputs(c: NormCase) {
  const x = tf.add(tf.randomNormal(c.xShape, 0, 2, 'float32', 21), 1.5);
  const mean = tf.add(tf.randomNormal(c.statShape, 0, 1, 'float32', 22), 1.5);
  const variance = tf.add(tf.abs(tf.randomNormal(c.statShape, 0, 1, 'float32', 23)), 0.2);
  const offset = tf.randomNormal(c.statShape, 0, 1, 'float32', 24);
  const scale = tf.randomNormal(c.statShape, 0, 1, 'float32', 25);
  const dy = tf.randomNormal(c.xShape, 0, 1, 'float32', 26);
  return { x, mean, variance, offset, scale: c.withScale ? scale : undefined, dy };
}

/** Every input gradient of one FusedBatchNorm call computed by `config`'s gradFunc directly. */
function fusedBatchNormGrads(config: tf.GradConfig, c: NormCase): Grads {
  return tf.tidy(() => {
    const { x, mean, variance, scale, dy } = normInputs(c);
    const grads = config.gradFunc(dy, [x, mean, variance, scale as tf.Tensor], { varianceEpsilon: 1e-3 } as unknown as tf.NamedAttrMap);
    const names = c.withScale ? ['x', 'mean', 'variance', 'scale', 'offset'] : ['x', 'mean', 'variance', 'offset'];
    return Object.fromEntries(names.map((n) => [n, Array.from((grads[n] as () => tf.Tensor)().dataSync())]));
  });
}

/** The layers training path: tf.moments, then batchNorm, differentiated w.r.t. x, gamma and beta. */
function trainingNormGrads(c: NormCase): Grads {
  return tf.tidy(() => {
    const { x, offset, scale, dy } = normInputs({ ...c, statShape: [c.xShape.at(-1) as number] });
    const axes = c.xShape.slice(0, -1).map((_, i) => i);
    const f = (xs: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
      const { mean, variance } = tf.moments(xs, axes);
      return tf.sum(tf.mul(tf.batchNorm(xs, mean, variance, beta, gamma, 1e-3), dy));
    };
    const [dx, dGamma, dBeta] = tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)([x, scale ?? tf.onesLike(offset), offset]);
    return { x: Array.from(dx!.dataSync()), gamma: Array.from(dGamma!.dataSync()), beta: Array.from(dBeta!.dataSync()) };
  });
}

/** dx of sum(mean(x, axis) * dy), through the registered Mean gradient. */
function meanGrad(shape: number[], axis: number[]): number[] {
  return tf.tidy(() => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 27);
    const dy = tf.randomNormal(tf.mean(x, axis).shape, 0, 1, 'float32', 28);
    return Array.from(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.mean(a, axis), dy)))(x).dataSync());
  });
}

const MEAN_CASES: [number[], number[]][] = [
  [[4, 6, 5, 8], [0, 1, 2]],
  [[4, 6, 5, 8], [1, 2]],
  [[7, 3], [1]],
];

// References with tfjs-core's own gradients on the cpu backend, taken before anything is replaced.
const original = { fusedBatchNorm: tf.getGradient('FusedBatchNorm'), mean: tf.getGradient('Mean') };
const reference: { direct: Grads[]; training: Grads[]; mean: number[][] } = { direct: [], training: [], mean: [] };

beforeAll(async () => {
  await tf.setBackend('cpu');
  const atReferenceShape = (c: NormCase): NormCase => ({ ...c, xShape: c.referenceShape ?? c.xShape });
  reference.direct = NORM_CASES.map((c) => fusedBatchNormGrads(original.fusedBatchNorm, atReferenceShape(c)));
  reference.training = NORM_CASES.slice(0, 5).map((c) => trainingNormGrads(atReferenceShape(c)));
  reference.mean = MEAN_CASES.map(([shape, axis]) => meanGrad(shape, axis));
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmGradientKernels(); // the fused batch-norm gradient sums, Relu and Square gradients
  installWasmKernelOverrides();
  expect(registerTrainingGradients()).toEqual(['FusedBatchNorm', 'Mean', 'Relu', 'Square']);
});

describe('registerTrainingGradients', () => {
  it('replaces both gradients once', () => {
    expect(registerTrainingGradients()).toEqual([]);
    expect(tf.getGradient('FusedBatchNorm')).not.toBe(original.fusedBatchNorm);
    expect(tf.getGradient('Mean')).not.toBe(original.mean);
  });
});

describe.each(['cpu', 'wasm'])('on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it.each(NORM_CASES.map((c, i) => [c.name, i] as const))('FusedBatchNorm gradFunc matches tfjs-core: %s', (_, i) => {
    const got = fusedBatchNormGrads(fusedBatchNormGradConfig(original.fusedBatchNorm), NORM_CASES[i] as NormCase);
    expectClose(got, reference.direct[i] as Grads);
  });

  it.each(NORM_CASES.slice(0, 5).map((c, i) => [c.name, i] as const))('moments + batchNorm training gradients match: %s', (_, i) => {
    expectClose(trainingNormGrads(NORM_CASES[i] as NormCase), reference.training[i] as Grads);
  });

  it.each(MEAN_CASES.map(([shape, axis], i) => [`[${shape}] over [${axis}]`, i] as const))('Mean gradient equals tfjs-core exactly: %s', (_, i) => {
    const [shape, axis] = MEAN_CASES[i] as [number[], number[]];
    expect(meanGrad(shape, axis)).toEqual(reference.mean[i]);
  });

  it('leaves no tensors behind', () => {
    const c = NORM_CASES[0] as NormCase;
    trainingNormGrads(c);
    const before = tf.memory().numTensors;
    trainingNormGrads(c);
    fusedBatchNormGrads(fusedBatchNormGradConfig(original.fusedBatchNorm), c);
    meanGrad([4, 6, 5, 8], [0, 1, 2]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('MEAN_GRAD_CONFIG', () => {
  it('keeps the kernel name and saved inputs of the gradient it replaces', () => {
    expect(MEAN_GRAD_CONFIG.kernelName).toBe(original.mean.kernelName);
    expect(MEAN_GRAD_CONFIG.inputsToSave).toEqual(original.mean.inputsToSave);
    expect(fusedBatchNormGradConfig(original.fusedBatchNorm).inputsToSave).toEqual(original.fusedBatchNorm.inputsToSave);
  });
});
