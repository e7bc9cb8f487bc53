// Each composed wasm gradient kernel (and the Conv2DBackpropInput override) must match the cpu backend's reference implementation.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2dBackpropFilter } from './conv2d-backprop-filter.ts';
import { depthwiseConv2dBackpropFilter } from './depthwise-conv2d-backprop-filter.ts';
import { installWasmKernelOverrides } from './install-wasm-kernel-overrides.ts';
import { registerWasmGradientKernels } from './register-wasm-gradient-kernels.ts';

type Pad = 'same' | 'valid';
interface ConvCase {
  batch: number;
  h: number;
  w: number;
  inC: number;
  kh: number;
  kw: number;
  outC: number; // channel multiplier for depthwise cases
  stride: number;
  pad: Pad;
}

const TOLERANCE = 1e-4;

async function onBackend<T>(name: string, fn: () => T): Promise<T> {
  await tf.setBackend(name);
  return fn();
}

function seededInputs(c: ConvCase, depthwise: boolean) {
  const x = tf.randomNormal([c.batch, c.h, c.w, c.inC], 0, 1, 'float32', 11) as tf.Tensor4D;
  const filter = tf.randomNormal([c.kh, c.kw, c.inC, c.outC], 0, 1, 'float32', 12) as tf.Tensor4D;
  const out = depthwise ? tf.depthwiseConv2d(x, filter, c.stride, c.pad) : tf.conv2d(x, filter, c.stride, c.pad);
  const dy = tf.randomNormal(out.shape, 0, 1, 'float32', 13);
  return { x, filter, dy };
}

/** Gradients of sum(conv(x, f) * dy) wrt x and f, through the public ops tfjs layers use. */
function gradients(c: ConvCase, depthwise: boolean): { dx: number[]; df: number[]; fwd: number[] } {
  return tf.tidy(() => {
    const { x, filter, dy } = seededInputs(c, depthwise);
    const conv = (a: tf.Tensor4D, f: tf.Tensor4D) => (depthwise ? tf.depthwiseConv2d(a, f, c.stride, c.pad) : tf.conv2d(a, f, c.stride, c.pad));
    const [dx, df] = tf.grads((a: tf.Tensor, f: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, f as tf.Tensor4D), dy)))([x, filter]);
    return { dx: Array.from(dx!.dataSync()), df: Array.from(df!.dataSync()), fwd: Array.from(conv(x, filter).dataSync()) };
  });
}

function maxRelDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 1); // no spread: arrays can exceed the argument limit
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0) / scale;
}

const CONV_CASES: ConvCase[] = [];
for (const stride of [1, 2])
  for (const pad of ['same', 'valid'] as Pad[])
    for (const [kh, kw] of [[1, 1], [3, 3], [10, 4]] as const)
      for (const [h, w] of [[12, 9], [11, 10]] as const) CONV_CASES.push({ batch: 2, h, w, inC: 3, kh, kw, outC: 8, stride, pad });
CONV_CASES.push({ batch: 3, h: 20, w: 8, inC: 1, kh: 10, kw: 4, outC: 8, stride: 2, pad: 'same' });
CONV_CASES.push({ batch: 1, h: 7, w: 7, inC: 8, kh: 1, kw: 1, outC: 3, stride: 1, pad: 'same' });
// Pointwise and first-layer shapes of DS-CNN (the Conv2DBackpropInput override's GEMM and col2im paths).
CONV_CASES.push({ batch: 4, h: 9, w: 5, inC: 16, kh: 1, kw: 1, outC: 16, stride: 1, pad: 'same' });
CONV_CASES.push({ batch: 4, h: 20, w: 10, inC: 1, kh: 10, kw: 4, outC: 16, stride: 2, pad: 'same' });
// The compiled pointwise filter gradient: DS-CNN's 64 channels over several 64-row chunks (and a partial last one), and other multiples of 4 and 8.
// (The compiled general filter gradient takes every case with fw*C % 4 == 0 and O % 8 == 0: the 10x4 ones above over 1 and 3 channels.)
CONV_CASES.push({ batch: 2, h: 13, w: 10, inC: 64, kh: 1, kw: 1, outC: 64, stride: 1, pad: 'same' });
CONV_CASES.push({ batch: 3, h: 7, w: 5, inC: 12, kh: 1, kw: 1, outC: 24, stride: 1, pad: 'valid' });
// General compiled filter gradient: 3x3 over 4 channels with stride 2, and DS-CNN's first conv over enough output rows for several chunks.
CONV_CASES.push({ batch: 2, h: 11, w: 9, inC: 4, kh: 3, kw: 3, outC: 16, stride: 2, pad: 'same' });
CONV_CASES.push({ batch: 2, h: 98, w: 20, inC: 1, kh: 10, kw: 4, outC: 64, stride: 2, pad: 'same' });
// Stride 3 with a 2-row filter and 'same' padding is avoided: wasm's own forward conv2d disagrees with cpu there.
CONV_CASES.push({ batch: 2, h: 9, w: 8, inC: 5, kh: 2, kw: 3, outC: 4, stride: 3, pad: 'valid' });
CONV_CASES.push({ batch: 2, h: 10, w: 8, inC: 5, kh: 3, kw: 3, outC: 4, stride: 3, pad: 'same' });

const DEPTHWISE_CASES: ConvCase[] = [];
for (const stride of [1, 2])
  for (const pad of ['same', 'valid'] as Pad[])
    for (const [kh, kw] of [[1, 1], [3, 3], [5, 3]] as const)
      for (const [inC, mult] of [[3, 1], [3, 2], [8, 1]] as const) DEPTHWISE_CASES.push({ batch: 2, h: 11, w: 10, inC, kh, kw, outC: mult, stride, pad });
DEPTHWISE_CASES.push({ batch: 3, h: 12, w: 9, inC: 8, kh: 3, kw: 3, outC: 1, stride: 2, pad: 'same' });
// DS-CNN's block shape, and a filter smaller than its stride (the spread dy is cropped, not padded).
DEPTHWISE_CASES.push({ batch: 4, h: 10, w: 5, inC: 16, kh: 3, kw: 3, outC: 1, stride: 1, pad: 'same' });
DEPTHWISE_CASES.push({ batch: 2, h: 9, w: 7, inC: 3, kh: 1, kw: 2, outC: 2, stride: 3, pad: 'valid' });
// The compiled SIMD loop's channel blocking (4, 8 and 16 channels per pass) and its fallback past 36 taps.
DEPTHWISE_CASES.push({ batch: 3, h: 8, w: 6, inC: 4, kh: 3, kw: 3, outC: 1, stride: 1, pad: 'same' });
DEPTHWISE_CASES.push({ batch: 3, h: 8, w: 6, inC: 24, kh: 3, kw: 2, outC: 1, stride: 2, pad: 'valid' });
DEPTHWISE_CASES.push({ batch: 2, h: 9, w: 9, inC: 4, kh: 7, kw: 7, outC: 1, stride: 1, pad: 'same' });
DEPTHWISE_CASES.push({ batch: 8, h: 25, w: 10, inC: 64, kh: 3, kw: 3, outC: 1, stride: 1, pad: 'same' });

const name = (c: ConvCase) => `x ${c.batch}x${c.h}x${c.w}x${c.inC}, filter ${c.kh}x${c.kw}x${c.outC}, stride ${c.stride}, ${c.pad}`;

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmGradientKernels();
  installWasmKernelOverrides();
});

describe('registerWasmGradientKernels', () => {
  it('registers the three missing kernels and the batch-norm gradient sums once', async () => {
    for (const k of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'WhittleBatchNormGradSums']) {
      expect(tf.getKernel(k, 'wasm')).toBeDefined();
    }
    expect(registerWasmGradientKernels()).toEqual([]);
  });
});

describe.each(CONV_CASES)('conv2d gradients on wasm match cpu: %#', (c) => {
  it(name(c), async () => {
    const ref = await onBackend('cpu', () => gradients(c, false));
    const got = await onBackend('wasm', () => gradients(c, false));
    expect(maxRelDiff(got.fwd, ref.fwd)).toBeLessThan(TOLERANCE);
    expect(maxRelDiff(got.df, ref.df)).toBeLessThan(TOLERANCE);
    expect(maxRelDiff(got.dx, ref.dx)).toBeLessThan(TOLERANCE);
  });
});

/** The wasm filter gradient with SIMD off (0 columns: the convolution route; undefined: im2col) against cpu. */
async function expectSimdFreeFilterGradMatchesCpu(c: ConvCase, maxColumnElements: number | undefined): Promise<void> {
  const ref = await onBackend('cpu', () => gradients(c, false));
  await tf.setBackend('wasm');
  const df = tf.tidy(() => {
    const { x, dy } = seededInputs(c, false);
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC' as const, filterShape: [c.kh, c.kw, c.inC, c.outC] as [number, number, number, number] };
    const backend = tf.backend() as unknown as Parameters<typeof conv2dBackpropFilter>[0]['backend'];
    return tf.engine().makeTensorFromTensorInfo(conv2dBackpropFilter({ inputs: { x, dy }, backend, attrs }, maxColumnElements, false));
  });
  expect(maxRelDiff(Array.from(await df.data()), ref.df)).toBeLessThan(TOLERANCE);
  df.dispose();
}

// Large filters fall back from im2col to a convolution; force that route (SIMD off) on the small cases.
describe.each(CONV_CASES.filter((c) => c.kh > 1))('conv2d filter gradient by the convolution route matches cpu: %#', (c) => {
  it(name(c), async () => {
    await expectSimdFreeFilterGradMatchesCpu(c, 0);
  });
});

// Filter gradients the compiled loops take also have GEMM routes (transpose for 1x1, im2col otherwise); check them on the same cases.
describe.each(CONV_CASES)('conv2d filter gradient without SIMD matches cpu: %#', (c) => {
  it(name(c), async () => {
    await expectSimdFreeFilterGradMatchesCpu(c, undefined);
  });
});

describe.each(DEPTHWISE_CASES)('depthwise conv2d gradients on wasm match cpu: %#', (c) => {
  it(name(c), async () => {
    const ref = await onBackend('cpu', () => gradients(c, true));
    const got = await onBackend('wasm', () => gradients(c, true));
    expect(maxRelDiff(got.df, ref.df)).toBeLessThan(TOLERANCE);
    expect(maxRelDiff(got.dx, ref.dx)).toBeLessThan(TOLERANCE);
    // The kernel-chain route, which the filter gradient takes when the compiled loop does not apply.
    const byTaps = tf.tidy(() => {
      const { x, dy } = seededInputs(c, true);
      const attrs = { strides: c.stride, dilations: 1, pad: c.pad, filterShape: [c.kh, c.kw, c.inC, c.outC] as [number, number, number, number] };
      const backend = tf.backend() as unknown as Parameters<typeof depthwiseConv2dBackpropFilter>[0]['backend'];
      return tf.engine().makeTensorFromTensorInfo(depthwiseConv2dBackpropFilter({ inputs: { x, dy }, backend, attrs }, false));
    });
    expect(maxRelDiff(Array.from(await byTaps.data()), ref.df)).toBeLessThan(TOLERANCE);
    byTaps.dispose();
  });
});

describe('memory', () => {
  it('leaves no tensors or wasm buffers behind', async () => {
    await tf.setBackend('wasm');
    const simd = DEPTHWISE_CASES.find((c) => c.inC === 8 && c.outC === 1 && c.kh === 3) as ConvCase;
    const byTaps = DEPTHWISE_CASES.find((c) => c.outC === 2 && c.kh === 3) as ConvCase;
    const conv = CONV_CASES.find((c) => c.kh === 10) as ConvCase;
    const pointwise = CONV_CASES.find((c) => c.kh === 1 && c.inC === 64) as ConvCase;
    const all = () => {
      gradients(simd, true);
      gradients(byTaps, true);
      gradients(conv, false);
      gradients(pointwise, false);
    };
    all();
    const tensors = tf.memory().numTensors;
    const buffers = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    all();
    expect(tf.memory().numTensors).toBe(tensors);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(buffers);
  });
});
