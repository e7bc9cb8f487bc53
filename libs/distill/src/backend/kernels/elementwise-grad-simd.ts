// Elementwise gradients of Relu and Square as single-pass compiled wasm SIMD loops over the backend's buffers.

import { cachedSimdFunction, I32, op, V128, type SimdFunctionSource, type WasmMemory } from './wasm-simd-function.ts';

/**
 * The elementwise gradients tfjs-core composes from two kernels: Relu's dy * step(x) (Step, then
 * Multiply) and Square's dy * (x * 2) (Multiply by a scalar, then Multiply). Each of those kernels
 * streams a whole activation through memory; compiled, x and dy are read once and dx written once.
 *   relu:   dx = dy * s, s = 1 where x > 0, x itself where x is NaN (as Step), else 0
 *   square: dx = dy * (x + x)   (x + x is 2x exactly, so the values are tfjs-core's bit for bit)
 */
export type ElementwiseGrad = 'relu' | 'square';

/** Floats per loop iteration: four vectors, one 64-byte cache line. */
export const ELEMENTS_PER_ITERATION = 16;

/** (x, dy, dx, byteLength) => void; byteLength a positive multiple of 64. */
export function elementwiseGradSource(kind: ElementwiseGrad): SimdFunctionSource {
  const [X, DY, DX, END, AT, V] = [0, 1, 2, 3, 4, 5];
  const body: number[] = [];
  const emit = (...code: (readonly number[])[]) => code.forEach((c) => body.push(...c));
  emit(op.i32Const(0), op.localSet(AT), op.loop);
  for (let u = 0; u < ELEMENTS_PER_ITERATION / 4; u++) {
    const offset = 16 * u;
    emit(op.localGet(DX), op.localGet(AT), op.i32Add); // store address
    emit(op.localGet(DY), op.localGet(AT), op.i32Add, op.v128Load(offset)); // dy
    emit(op.localGet(X), op.localGet(AT), op.i32Add, op.v128Load(offset), op.localTee(V)); // x
    if (kind === 'relu') {
      // (x > 0 ? 1.0 : 0) | (x != x ? x : 0): lane masks select the bits of 1.0 or of the NaN itself.
      emit(op.v128ConstF32(0), op.f32x4Gt, op.v128ConstF32(1), op.v128And);
      emit(op.localGet(V), op.localGet(V), op.f32x4Ne, op.localGet(V), op.v128And, op.v128Or);
    } else {
      emit(op.localGet(V), op.f32x4Add);
    }
    emit(op.f32x4Mul, op.v128Store(offset));
  }
  emit(op.localGet(AT), op.i32Const(4 * ELEMENTS_PER_ITERATION), op.i32Add, op.localTee(AT), op.localGet(END), op.i32LtU, op.brIf(0), op.end);
  return { params: 4, locals: [[1, I32], [1, V128]], body };
}

type Compiled = (xAddress: number, dyAddress: number, dxAddress: number, byteLength: number) => void;

/** The compiled loop for `kind` on `memory`, or undefined without wasm SIMD. Sizes are an argument, so one compile serves every shape. */
export function elementwiseGradSimd(memory: WasmMemory, kind: ElementwiseGrad): Compiled | undefined {
  return cachedSimdFunction(memory, `elementwise ${kind} grad`, () => elementwiseGradSource(kind)) as Compiled | undefined;
}
