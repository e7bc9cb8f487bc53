// The fused Relu and Square gradients give tfjs-core's cpu values exactly, through tf.grad and called directly.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTrainingGradients } from '../gradients/register-training-gradients.ts';
import { elementwiseGrad } from './elementwise-grad.ts';
import { registerWasmGradientKernels } from './register-wasm-gradient-kernels.ts';
import type { WasmBackendLike } from './wasm-kernel-calls.ts';

type Kind = 'relu' | 'square';
const OPS: Record<Kind, (x: tf.Tensor) => tf.Tensor> = { relu: tf.relu, square: tf.square };

/** Sizes: multiples of 16 (the compiled loop), and 3x5x7 = 105 (the kernel-pair fallback). */
const SHAPES: number[][] = [[4, 6, 5, 16], [1, 16], [3, 5, 7], [64, 3, 2, 64]];

/** Seeded x with exact zeros, -0, a NaN and infinities where the size allows, and dy. */
function inputs(shape: number[]): { x: tf.Tensor; dy: tf.Tensor } {
  const x = tf.randomNormal(shape, 0, 1, 'float32', 5).dataSync() as Float32Array;
  const special = [0, -0, NaN, Infinity, -Infinity, 1e-39, -1e-39];
  special.forEach((v, i) => (x[i * 3] = v));
  const dy = tf.randomNormal(shape, 0, 1, 'float32', 6).dataSync() as Float32Array;
  dy[1] = Infinity;
  return { x: tf.tensor(x, shape), dy: tf.tensor(dy, shape) };
}

function viaGrad(kind: Kind, shape: number[]): Float32Array {
  return tf.tidy(() => {
    const { x, dy } = inputs(shape);
    return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(OPS[kind](a), dy)))(x).dataSync() as Float32Array;
  });
}

const reference = new Map<string, Float32Array>();
const key = (kind: Kind, shape: number[]) => `${kind} ${shape.join('x')}`;

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const kind of ['relu', 'square'] as const) for (const shape of SHAPES) reference.set(key(kind, shape), viaGrad(kind, shape));
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmGradientKernels();
  registerTrainingGradients();
});

/** Bitwise equality that treats every NaN alike. */
const same = (got: Float32Array, want: Float32Array) => {
  expect(got.length).toBe(want.length);
  const mismatches = Array.from(got).flatMap((g, i) => (Object.is(g, want[i]) || (Number.isNaN(g) && Number.isNaN(want[i])) ? [] : [i]));
  expect(mismatches).toEqual([]);
};

describe.each(['relu', 'square'] as const)('%s gradient', (kind) => {
  it.each(SHAPES.map((s) => [s.join('x'), s] as const))('on wasm equals tfjs-core on cpu bit for bit: %s', async (_, shape) => {
    await tf.setBackend('wasm');
    same(viaGrad(kind, shape), reference.get(key(kind, shape)) as Float32Array);
  });

  it('equals tfjs-core through the kernel-pair fallback too, and leaves nothing behind', async () => {
    await tf.setBackend('wasm');
    const shape = SHAPES[0] as number[];
    const run = () =>
      tf.tidy(() => {
        const { x, dy } = inputs(shape);
        const backend = tf.backend() as unknown as WasmBackendLike;
        return tf.engine().makeTensorFromTensorInfo(elementwiseGrad(kind, { inputs: { x, dy }, backend }, false)).dataSync() as Float32Array;
      });
    same(run(), reference.get(key(kind, shape)) as Float32Array);
    const tensors = tf.memory().numTensors;
    const buffers = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    run();
    viaGrad(kind, shape);
    expect(tf.memory().numTensors).toBe(tensors);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(buffers);
  });
});
