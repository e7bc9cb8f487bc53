// The wasm kernel overrides: same values as the cpu backend, fast path taken where intended, delegation elsewhere, no leaks.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONV2D_BACKPROP_INPUT_WASM_OVERRIDE } from './conv2d-backprop-input.ts';
import { FUSED_BATCH_NORM_WASM_OVERRIDE } from './fused-batch-norm.ts';
import { CAST_WASM_OVERRIDE, IDENTITY_WASM_OVERRIDE } from './identity-cast.ts';
import { installWasmKernelOverrides, WASM_KERNEL_OVERRIDES } from './install-wasm-kernel-overrides.ts';
import { MEAN_WASM_OVERRIDE } from './mean.ts';
import { SUM_WASM_OVERRIDE } from './sum.ts';
import { TILE_WASM_OVERRIDE } from './tile.ts';
import { originalWasmKernel, type WasmKernelOverride } from './wasm-kernel-override.ts';

/** Float32 reductions over up to a few thousand terms: a change of summation order moves the last bits. */
const TOLERANCE = 1e-5;

interface Backend {
  numDataIds(): number;
}
const wasmBackend = () => tf.findBackend('wasm') as unknown as Backend;

/** Run `fn` on a backend and read its result out as a plain array. */
async function valuesOn(name: string, fn: () => tf.Tensor): Promise<{ shape: number[]; dtype: string; values: number[] }> {
  await tf.setBackend(name);
  const t = tf.tidy(fn);
  const out = { shape: t.shape, dtype: t.dtype, values: Array.from(await t.data()) };
  t.dispose();
  return out;
}

/** max |a - b| over max(1, max |b|): relative for large values, absolute near zero. */
function maxRelDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  const scale = b.reduce((m, v) => Math.max(m, Math.abs(v)), 1); // no spread: arrays can exceed the argument limit
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0) / scale;
}

async function expectSameOnWasmAsCpu(fn: () => tf.Tensor, tolerance = TOLERANCE): Promise<void> {
  const ref = await valuesOn('cpu', fn);
  const got = await valuesOn('wasm', fn);
  expect(got.shape).toEqual(ref.shape);
  expect(got.dtype).toBe(ref.dtype);
  expect(maxRelDiff(got.values, ref.values)).toBeLessThanOrEqual(tolerance);
}

/** Whether `override` takes its fast path for the kernel call `run` makes (calls it directly, then frees the result). */
function takesFastPath<A>(override: WasmKernelOverride<A>, inputs: Record<string, tf.Tensor>, attrs: A): boolean {
  const backend = tf.backend() as unknown as Parameters<WasmKernelOverride<A>['fastPath']>[0]['backend'];
  const out = override.fastPath({ inputs, backend, attrs });
  if (out !== undefined) backend.disposeData(out.dataId);
  return out !== undefined;
}

/** Asserts `fn` leaves neither tensors nor wasm buffers behind once its result is disposed. */
function expectNoLeak(fn: () => tf.Tensor): void {
  tf.tidy(fn).dispose(); // warm-up: kernels may cache operators on their first call
  const tensors = tf.memory().numTensors;
  const buffers = wasmBackend().numDataIds();
  tf.tidy(fn).dispose();
  expect(tf.memory().numTensors).toBe(tensors);
  expect(wasmBackend().numDataIds()).toBe(buffers);
}

const seeded = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  installWasmKernelOverrides();
});

describe('installWasmKernelOverrides', () => {
  it('installs each override once, keeping the builtin it delegates to', () => {
    expect(installWasmKernelOverrides()).toEqual([]);
    for (const o of WASM_KERNEL_OVERRIDES) {
      const original = originalWasmKernel(o.kernelName);
      expect(original?.kernelName).toBe(o.kernelName);
      // The builtin, not another override: a second install must not stack wrappers.
      expect(originalWasmKernel(o.kernelName) === original).toBe(true);
      expect((original as unknown as Record<symbol, unknown>)[Symbol.for('whittle.wasmKernelOverride')]).toBeUndefined();
    }
  });
});

const REDUCTIONS: { shape: number[]; axis: number | number[]; keepDims: boolean; fast: boolean }[] = [
  { shape: [6, 5, 4, 3], axis: [0, 1, 2], keepDims: false, fast: true },
  { shape: [6, 5, 4, 3], axis: [0, 1, 2], keepDims: true, fast: true },
  { shape: [6, 5, 4, 3], axis: [1, 2], keepDims: false, fast: true },
  { shape: [6, 5, 4, 3], axis: [2, 1], keepDims: true, fast: true },
  { shape: [6, 5, 4, 3], axis: 0, keepDims: false, fast: true },
  { shape: [6, 5, 4, 3], axis: [-4, -3], keepDims: false, fast: true },
  { shape: [6, 5, 4, 3], axis: 2, keepDims: true, fast: true },
  { shape: [64, 7, 5, 16], axis: [0, 1, 2], keepDims: false, fast: true },
  { shape: [50, 7], axis: 0, keepDims: false, fast: true },
  { shape: [6, 5, 4, 3], axis: 3, keepDims: false, fast: false },
  { shape: [6, 5, 4, 3], axis: [0, 2], keepDims: false, fast: false },
  { shape: [6, 5, 4, 3], axis: [0, 1, 2, 3], keepDims: false, fast: false },
  { shape: [6, 1, 4], axis: 1, keepDims: false, fast: false },
];

describe.each(REDUCTIONS)('Sum and Mean on wasm match cpu: %#', (c) => {
  const label = `x [${c.shape}], axis ${JSON.stringify(c.axis)}, keepDims ${c.keepDims} (${c.fast ? 'fast path' : 'builtin'})`;
  it(label, async () => {
    await expectSameOnWasmAsCpu(() => tf.sum(seeded(c.shape, 3), c.axis, c.keepDims));
    await expectSameOnWasmAsCpu(() => tf.mean(seeded(c.shape, 4), c.axis, c.keepDims));
    await tf.setBackend('wasm');
    const x = seeded(c.shape, 5);
    expect(takesFastPath(SUM_WASM_OVERRIDE, { x }, { axis: c.axis, keepDims: c.keepDims })).toBe(c.fast);
    expect(takesFastPath(MEAN_WASM_OVERRIDE, { x }, { axis: c.axis, keepDims: c.keepDims })).toBe(c.fast);
    x.dispose();
    expectNoLeak(() => tf.add(tf.sum(seeded(c.shape, 3), c.axis, c.keepDims), tf.mean(seeded(c.shape, 4), c.axis, c.keepDims)));
  });
});

describe('Sum and Mean delegation', () => {
  it('leaves int32 sums exact (builtin) and bool means converted', async () => {
    const ints = () => tf.tensor3d(Array.from({ length: 60 }, (_, i) => (i * 7919) % 1000), [5, 4, 3], 'int32');
    const ref = await valuesOn('cpu', () => tf.sum(ints(), [0, 1]));
    const got = await valuesOn('wasm', () => tf.sum(ints(), [0, 1]));
    expect(got).toEqual(ref);
    await expectSameOnWasmAsCpu(() => tf.mean(tf.cast(tf.greater(seeded([5, 4, 3], 6), 0), 'int32'), [0, 1]));
  });
});

const TILES: { shape: number[]; reps: number[]; dtype: 'float32' | 'int32' | 'bool'; fast: boolean }[] = [
  { shape: [1, 1, 1, 64], reps: [8, 7, 5, 1], dtype: 'float32', fast: true },
  { shape: [4, 1, 1, 64], reps: [1, 6, 5, 1], dtype: 'float32', fast: true },
  { shape: [2, 3, 64], reps: [3, 1, 2], dtype: 'float32', fast: true },
  { shape: [3, 70], reps: [5, 3], dtype: 'int32', fast: true },
  { shape: [1, 200], reps: [9, 1], dtype: 'bool', fast: true },
  { shape: [3, 2], reps: [2, 3], dtype: 'float32', fast: false },
  { shape: [40, 1], reps: [1, 8], dtype: 'float32', fast: false },
];

describe.each(TILES)('Tile on wasm matches cpu: %#', (c) => {
  it(`${c.dtype} [${c.shape}] x [${c.reps}] (${c.fast ? 'fast path' : 'builtin'})`, async () => {
    const x = () => tf.cast(tf.mul(seeded(c.shape, 7), 10), c.dtype);
    const ref = await valuesOn('cpu', () => tf.tile(x(), c.reps));
    const got = await valuesOn('wasm', () => tf.tile(x(), c.reps));
    expect(got).toEqual(ref); // a copy: exact
    await tf.setBackend('wasm');
    const input = x();
    expect(takesFastPath(TILE_WASM_OVERRIDE, { x: input }, { reps: c.reps })).toBe(c.fast);
    input.dispose();
    expectNoLeak(() => tf.tile(x(), c.reps));
  });
});

describe('Tile through broadcastTo', () => {
  it('broadcasts a per-channel vector over an activation exactly', async () => {
    const ref = await valuesOn('cpu', () => tf.broadcastTo(seeded([1, 1, 1, 16], 8), [4, 6, 5, 16]));
    const got = await valuesOn('wasm', () => tf.broadcastTo(seeded([1, 1, 1, 16], 8), [4, 6, 5, 16]));
    expect(got).toEqual(ref);
  });
});

const BATCH_NORMS: { shape: number[]; statShape: number[]; withScale: boolean; withOffset: boolean; fast: boolean }[] = [
  { shape: [4, 6, 5, 16], statShape: [16], withScale: true, withOffset: true, fast: true },
  { shape: [4, 6, 5, 16], statShape: [16], withScale: false, withOffset: true, fast: true },
  { shape: [4, 6, 5, 16], statShape: [16], withScale: true, withOffset: false, fast: true },
  { shape: [4, 6, 5, 16], statShape: [1, 1, 1, 16], withScale: true, withOffset: true, fast: true },
  { shape: [10, 7], statShape: [7], withScale: true, withOffset: true, fast: true }, // kernel chain: 7 channels
  { shape: [3, 5, 4, 8], statShape: [8], withScale: true, withOffset: false, fast: true }, // compiled, 8 channels per loop iteration
  { shape: [9, 12], statShape: [12], withScale: false, withOffset: true, fast: true }, // compiled, 4 channels per loop iteration
  { shape: [3, 5, 4, 64], statShape: [64], withScale: true, withOffset: true, fast: true }, // compiled, DS-CNN's 64 channels
  { shape: [4, 6, 5, 16], statShape: [5, 16], withScale: true, withOffset: true, fast: false },
];

describe.each(BATCH_NORMS)('FusedBatchNorm on wasm matches cpu: %#', (c) => {
  it(`x [${c.shape}], statistics [${c.statShape}], scale ${c.withScale}, offset ${c.withOffset} (${c.fast ? 'fast path' : 'builtin'})`, async () => {
    const args = () => {
      const mean = tf.add(seeded(c.statShape, 10), 3); // a mean far from zero: x - mean must not cancel against the offset
      const variance = tf.add(tf.abs(seeded(c.statShape, 11)), 0.1);
      const offset = c.withOffset ? seeded(c.statShape, 12) : undefined;
      const scale = c.withScale ? seeded(c.statShape, 13) : undefined;
      return { x: tf.add(seeded(c.shape, 9), 3), mean, variance, offset, scale };
    };
    const norm = () => {
      const a = args();
      return tf.batchNorm(a.x, a.mean, a.variance, a.offset, a.scale, 1e-3);
    };
    await expectSameOnWasmAsCpu(norm, 1e-5);
    await tf.setBackend('wasm');
    const a = args();
    const inputs = Object.fromEntries(Object.entries(a).filter(([, t]) => t !== undefined)) as Record<string, tf.Tensor>;
    expect(takesFastPath(FUSED_BATCH_NORM_WASM_OVERRIDE, inputs, { varianceEpsilon: 1e-3 })).toBe(c.fast);
    tf.dispose(Object.values(inputs));
    expectNoLeak(norm);
  });
});

describe('Identity and same-dtype Cast', () => {
  it('share the input buffer instead of copying it, and the copy outlives the original', async () => {
    await tf.setBackend('wasm');
    const x = seeded([3, 4], 14);
    const expected = Array.from(x.dataSync());
    const buffers = wasmBackend().numDataIds();
    const clone = tf.clone(x);
    const cast = tf.cast(x, 'float32');
    expect(wasmBackend().numDataIds()).toBe(buffers);
    x.dispose();
    expect(Array.from(clone.dataSync())).toEqual(expected);
    expect(Array.from(cast.dataSync())).toEqual(expected);
    clone.dispose();
    cast.dispose();
    expect(wasmBackend().numDataIds()).toBe(buffers - 1);
  });

  it('converts between dtypes with cpu values (to bool: x != 0, which the builtin gets wrong)', async () => {
    await expectSameOnWasmAsCpu(() => tf.cast(tf.mul(seeded([5, 6], 15), 4), 'int32'), 0);
    await expectSameOnWasmAsCpu(() => tf.cast(tf.tensor1d([0, 1, 2, -3], 'int32'), 'float32'), 0);
    await expectSameOnWasmAsCpu(() => tf.cast(tf.tensor1d([0, 1, 2, 0], 'int32'), 'bool'), 0);
    await tf.setBackend('wasm');
    await expectSameOnWasmAsCpu(() => tf.cast(tf.mul(seeded([5, 6], 15), 4), 'bool'), 0);
    await tf.setBackend('wasm');
    const ints = tf.tensor1d([1, 2], 'int32');
    expect(takesFastPath(CAST_WASM_OVERRIDE, { x: ints }, { dtype: 'float32' })).toBe(false);
    expect(takesFastPath(CAST_WASM_OVERRIDE, { x: ints }, { dtype: 'bool' })).toBe(true);
    ints.dispose();
  });

  it('takes the fast path for every numeric dtype', async () => {
    await tf.setBackend('wasm');
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const x = tf.cast(tf.tensor1d([0, 1, 2]), dtype);
      // The shared result holds a reference of its own: takesFastPath's dispose releases it, x stays valid.
      expect(takesFastPath(IDENTITY_WASM_OVERRIDE, { x }, {})).toBe(true);
      expect(takesFastPath(CAST_WASM_OVERRIDE, { x }, { dtype })).toBe(true);
      expect(Array.from(x.dataSync())).toEqual([0, 1, 2].map((v) => (dtype === 'bool' ? Number(v !== 0) : v)));
      x.dispose();
    }
  });
});

const BACKPROP_INPUTS: { x: [number, number, number, number]; filter: [number, number, number, number]; stride: number; pad: 'same' | 'valid'; fast: boolean }[] = [
  { x: [4, 9, 5, 16], filter: [1, 1, 16, 16], stride: 1, pad: 'same', fast: true },
  { x: [4, 20, 10, 1], filter: [10, 4, 1, 16], stride: 2, pad: 'same', fast: true },
  { x: [2, 11, 10, 3], filter: [3, 3, 3, 8], stride: 2, pad: 'valid', fast: true },
];

describe.each(BACKPROP_INPUTS)('Conv2DBackpropInput fast path: %#', (c) => {
  it(`x [${c.x}], filter [${c.filter}], stride ${c.stride}, ${c.pad}`, async () => {
    await tf.setBackend('wasm');
    const dyShape = tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.stride, c.pad).shape;
    const dy = seeded(dyShape, 16);
    const filter = seeded(c.filter, 17);
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC' as const, inputShape: c.x };
    expect(takesFastPath(CONV2D_BACKPROP_INPUT_WASM_OVERRIDE, { dy, filter }, attrs)).toBe(c.fast);
    tf.dispose([dy, filter]);
    // Values are compared with cpu in wasm-gradient-kernels.test.ts (these shapes are among its cases).
    expectNoLeak(() => tf.conv2dTranspose(seeded(dyShape, 16) as tf.Tensor4D, seeded(c.filter, 17) as tf.Tensor4D, c.x, c.stride, c.pad));
  });
});
