// The Conv2D filter gradient as one compiled wasm SIMD loop that reads the padded input in place (no im2col matrix).

import { cachedSimdFunction, I32, op, V128, type SimdFunctionSource, type WasmMemory } from './wasm-simd-function.ts';

/** One Conv2D filter-gradient call; x is already padded to [batch, paddedHeight, paddedWidth, channels]. */
export interface ConvFilterGradShape {
  readonly batch: number;
  readonly paddedHeight: number;
  readonly paddedWidth: number;
  readonly channels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
}

/** Output rows (of dy) per pass over the filter tiles: their dy rows and input windows stay in L1. */
const CHUNK_BYTES = 16 * 1024;

/**
 * dW[i, j, c, o] = sum over (n, y, x) of xPadded[n, y*sh + i, x*sw + j, c] * dy[n, y, x, o]. For one
 * filter row i the taps (j, c) are fw*C consecutive floats of xPadded starting at (n, y*sh + i, x*sw),
 * so the im2col row of position (n, y, x) need not be built: 4-tap by 8-output tiles (8 accumulators,
 * as in transposed-product-simd.ts) broadcast four consecutive input floats and multiply two dy
 * vectors. dy is walked a few output rows at a time, each tile's sums added into dW (which starts
 * zeroed), so float32 sums restart every chunk. Undefined unless fw*C % 4 == 0 and O % 8 == 0.
 */
export function convFilterGradSource(s: ConvFilterGradShape): SimdFunctionSource | undefined {
  const taps = s.filterWidth * s.channels; // consecutive floats per filter row
  if (taps % 4 !== 0 || s.outChannels % 8 !== 0 || s.batch < 1 || s.outHeight < 1 || s.outWidth < 1) return undefined;
  const [X, DY, OUT, N, Y0, Y1, I, KQ, TN, Y, XI, A_AT, B_AT, OUT_AT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const acc = (r: number, h: number) => 14 + r * 2 + h;
  const [B0, B1, SPLAT] = [22, 23, 24];
  const dyPixel = s.outChannels * 4;
  const dyRow = s.outWidth * dyPixel;
  const xRow = s.paddedWidth * s.channels * 4;
  const outRow = s.outChannels * 4; // dW row (i, j, c) has O floats
  const chunkRows = Math.max(1, Math.floor(CHUNK_BYTES / dyRow));
  const body: number[] = [];
  const emit = (...code: (readonly number[])[]) => code.forEach((c) => body.push(...c));
  const loopWhileBelow = (local: number, step: number, bound: readonly number[]) =>
    emit(op.localGet(local), op.i32Const(step), op.i32Add, op.localTee(local), bound, op.i32LtU, op.brIf(0), op.end);

  emit(op.i32Const(0), op.localSet(N), op.loop); // images
  emit(op.i32Const(0), op.localSet(Y0), op.loop); // chunks of output rows
  // Y1 = min(Y0 + chunkRows, oh)
  emit(op.localGet(Y0), op.i32Const(chunkRows), op.i32Add, op.localTee(Y1), op.i32Const(s.outHeight), op.localGet(Y1), op.i32Const(s.outHeight), op.i32LtU, op.select, op.localSet(Y1));
  emit(op.i32Const(0), op.localSet(I), op.loop); // filter rows
  emit(op.i32Const(0), op.localSet(KQ), op.loop); // groups of 4 taps within the row (byte offset)
  emit(op.i32Const(0), op.localSet(TN), op.loop); // groups of 8 outputs (byte offset)
  for (let r = 0; r < 4; r++) for (let h = 0; h < 2; h++) emit(op.v128Zero, op.localSet(acc(r, h)));
  emit(op.localGet(Y0), op.localSet(Y), op.loop); // output rows of the chunk
  // A_AT = x + ((n*hp + y*sh + i) * xRow) + KQ; B_AT = dy + (n*oh + y) * dyRow + TN
  emit(op.localGet(X), op.localGet(N), op.i32Const(s.paddedHeight), op.i32Mul, op.localGet(Y), op.i32Const(s.strideHeight), op.i32Mul, op.i32Add, op.localGet(I), op.i32Add);
  emit(op.i32Const(xRow), op.i32Mul, op.i32Add, op.localGet(KQ), op.i32Add, op.localSet(A_AT));
  emit(op.localGet(DY), op.localGet(N), op.i32Const(s.outHeight), op.i32Mul, op.localGet(Y), op.i32Add, op.i32Const(dyRow), op.i32Mul, op.i32Add, op.localGet(TN), op.i32Add, op.localSet(B_AT));
  emit(op.i32Const(0), op.localSet(XI), op.loop); // output columns
  emit(op.localGet(B_AT), op.v128Load(0), op.localSet(B0), op.localGet(B_AT), op.v128Load(16), op.localSet(B1));
  for (let r = 0; r < 4; r++) {
    emit(op.localGet(A_AT), op.v128Load32Splat(4 * r), op.localSet(SPLAT));
    emit(op.localGet(acc(r, 0)), op.localGet(SPLAT), op.localGet(B0), op.f32x4Mul, op.f32x4Add, op.localSet(acc(r, 0)));
    emit(op.localGet(acc(r, 1)), op.localGet(SPLAT), op.localGet(B1), op.f32x4Mul, op.f32x4Add, op.localSet(acc(r, 1)));
  }
  emit(op.localGet(A_AT), op.i32Const(s.strideWidth * s.channels * 4), op.i32Add, op.localSet(A_AT));
  emit(op.localGet(B_AT), op.i32Const(dyPixel), op.i32Add, op.localSet(B_AT));
  loopWhileBelow(XI, 1, op.i32Const(s.outWidth));
  loopWhileBelow(Y, 1, op.localGet(Y1));
  // dW rows (i, KQ/4 .. KQ/4 + 3), columns TN/4 .. TN/4 + 7 += the chunk's sums
  emit(op.localGet(OUT), op.localGet(I), op.i32Const(taps * outRow), op.i32Mul, op.i32Add, op.localGet(KQ), op.i32Const(s.outChannels), op.i32Mul, op.i32Add, op.localGet(TN), op.i32Add, op.localSet(OUT_AT));
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) {
      const offset = r * outRow + 16 * h;
      emit(op.localGet(OUT_AT), op.localGet(OUT_AT), op.v128Load(offset), op.localGet(acc(r, h)), op.f32x4Add, op.v128Store(offset));
    }
  }
  loopWhileBelow(TN, 32, op.i32Const(dyPixel));
  loopWhileBelow(KQ, 16, op.i32Const(taps * 4));
  loopWhileBelow(I, 1, op.i32Const(s.filterHeight));
  emit(op.localGet(Y1), op.localTee(Y0), op.i32Const(s.outHeight), op.i32LtU, op.brIf(0), op.end);
  loopWhileBelow(N, 1, op.i32Const(s.batch));
  return { params: 3, locals: [[11, I32], [11, V128]], body };
}

type Compiled = (xPaddedAddress: number, dyAddress: number, outAddress: number) => void;

/** The compiled kernel for `shape` on `memory`, or undefined when this shape or engine is unsupported. */
export function convFilterGradSimd(memory: WasmMemory, shape: ConvFilterGradShape): Compiled | undefined {
  return cachedSimdFunction(memory, `conv filter grad ${JSON.stringify(shape)}`, () => convFilterGradSource(shape)) as Compiled | undefined;
}
