// The wasm SIMD assembler: encodes valid modules that compute on the tfjs wasm heap, and the depthwise loop's limits.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { depthwiseFilterGradSimd, depthwiseFilterGradSource, type DepthwiseFilterGradShape } from './depthwise-filter-grad-simd.ts';
import { activateWasmHeap } from '../../testing/wasm-heap.ts';
import type { WasmBackendLike } from './wasm-kernel-calls.ts';
import { compileSimdFunction, encodeSimdModule, I32, op, V128, type WasmMemory } from './wasm-simd-function.ts';

const backend = () => tf.backend() as unknown as WasmBackendLike;
let memory: WasmMemory;

beforeAll(async () => {
  memory = await activateWasmHeap();
});

describe('compileSimdFunction', () => {
  it('runs a compiled loop on tensor buffers in place, with multi-byte and negative constants', () => {
    // out[k] = a[k] * b[k] + out[k] for k < 4 * 300 (a byte bound of 4800: a multi-byte constant), stepping by 32 - 16.
    const size = 4 * 300;
    const at = (pointer: number) => [...op.localGet(pointer), ...op.localGet(3), ...op.i32Add];
    const body = [
      ...op.i32Const(0), ...op.localSet(3), ...op.loop,
      ...at(2),
      ...at(0), ...op.v128Load(0), ...at(1), ...op.v128Load(0), ...op.f32x4Mul, ...at(2), ...op.v128Load(0), ...op.f32x4Add,
      ...op.v128Store(0),
      ...op.localGet(3), ...op.i32Const(32), ...op.i32Add, ...op.i32Const(-16), ...op.i32Add, ...op.localTee(3),
      ...op.i32Const(size * 4), ...op.i32LtU, ...op.brIf(0), ...op.end,
    ];
    const run = compileSimdFunction(memory, { params: 3, locals: [[1, I32]], body });
    expect(run).toBeDefined();
    const a = tf.range(0, size, 1, 'float32');
    const b = tf.fill([size], 0.5);
    const out = tf.fill([size], 3);
    const address = (t: tf.Tensor) => backend().typedArrayFromHeap(t).byteOffset;
    run?.(address(a), address(b), address(out));
    expect(Array.from(out.dataSync())).toEqual(Array.from({ length: size }, (_, k) => k * 0.5 + 3));
    tf.dispose([a, b, out]);
  });

  it('encodes a wasm 1.0 module that compiles', () => {
    const source = { params: 1, locals: [[2, V128]], body: [...op.v128Zero, ...op.localSet(1)] } as const;
    expect(Array.from(encodeSimdModule(source).subarray(0, 8))).toEqual([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(compileSimdFunction(memory, source)).toBeTypeOf('function');
  });
});

const DS_CNN_BLOCK: DepthwiseFilterGradShape = {
  batch: 64, outHeight: 49, outWidth: 20, paddedHeight: 51, paddedWidth: 22, channels: 64,
  strideHeight: 1, strideWidth: 1, filterHeight: 3, filterWidth: 3,
};

describe('depthwiseFilterGradSource', () => {
  it('covers DS-CNN blocks with 16 channels per pass', () => {
    const source = depthwiseFilterGradSource(DS_CNN_BLOCK);
    expect(source?.locals).toEqual([[6, I32], [9 * 4 + 4, V128]]);
    expect(depthwiseFilterGradSimd(memory, DS_CNN_BLOCK)).toBeDefined();
    expect(depthwiseFilterGradSimd(memory, DS_CNN_BLOCK)).toBe(depthwiseFilterGradSimd(memory, DS_CNN_BLOCK));
  });

  it('narrows the channel block when channels or taps need it, and declines what does not fit', () => {
    expect(depthwiseFilterGradSource({ ...DS_CNN_BLOCK, channels: 24 })?.locals[1]).toEqual([9 * 2 + 2, V128]);
    expect(depthwiseFilterGradSource({ ...DS_CNN_BLOCK, filterHeight: 6, filterWidth: 6 })?.locals[1]).toEqual([36 + 1, V128]);
    expect(depthwiseFilterGradSource({ ...DS_CNN_BLOCK, channels: 6 })).toBeUndefined();
    expect(depthwiseFilterGradSource({ ...DS_CNN_BLOCK, filterHeight: 7, filterWidth: 7 })).toBeUndefined();
  });
});
