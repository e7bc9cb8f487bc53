// The compiled A^T B loop: exact shapes it accepts, and its sums against a float64 reference across row chunks.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { transposedProductSimd, transposedProductSource } from './transposed-product-simd.ts';
import { activateWasmHeap } from '../../testing/wasm-heap.ts';
import type { WasmBackendLike } from './wasm-kernel-calls.ts';
import type { WasmMemory } from './wasm-simd-function.ts';

const backend = () => tf.backend() as unknown as WasmBackendLike;
let memory: WasmMemory;

beforeAll(async () => {
  memory = await activateWasmHeap();
});

/** sum over r of a[r, i] * b[r, j] in float64. */
function reference(a: Float32Array, b: Float32Array, rows: number, m: number, n: number): number[] {
  const out = new Array<number>(m * n).fill(0);
  for (let r = 0; r < rows; r++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = (out[i * n + j] as number) + (a[r * m + i] as number) * (b[r * n + j] as number);
  return out;
}

describe('transposedProductSimd', () => {
  // 64x64 rows chunk by 64 (1000 rows: 15 full chunks and a partial one); 4x8 is one tile; 12x24 is 3x3 tiles.
  it.each([
    [1000, 64, 64],
    [7, 4, 8],
    [300, 12, 24],
    [1, 8, 16],
  ])('matches a float64 reference for %i rows, m %i, n %i', (rows, m, n) => {
    const a = tf.randomNormal([rows, m], 0, 1, 'float32', 1);
    const b = tf.randomNormal([rows, n], 0, 1, 'float32', 2);
    const out = tf.zeros([m, n]);
    const run = transposedProductSimd(memory, { rows, m, n });
    expect(run).toBeDefined();
    const address = (t: tf.Tensor) => backend().typedArrayFromHeap(t).byteOffset;
    run?.(address(a), address(b), address(out));
    const want = reference(a.dataSync() as Float32Array, b.dataSync() as Float32Array, rows, m, n);
    const scale = want.reduce((s, v) => Math.max(s, Math.abs(v)), 1);
    const got = out.dataSync();
    expect(want.reduce((worst, v, k) => Math.max(worst, Math.abs(v - (got[k] as number))), 0) / scale).toBeLessThan(1e-5);
    tf.dispose([a, b, out]);
  });

  it('declines column counts that do not fill its 4x8 tiles', () => {
    expect(transposedProductSource({ rows: 10, m: 6, n: 8 })).toBeUndefined();
    expect(transposedProductSource({ rows: 10, m: 4, n: 12 })).toBeUndefined();
    expect(transposedProductSource({ rows: 0, m: 4, n: 8 })).toBeUndefined();
  });
});
