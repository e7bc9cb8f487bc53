// The depthwise filter gradient as one compiled wasm SIMD loop per shape, reading the backend's tensors in place.

import { cachedSimdFunction, I32, op, V128, type SimdFunctionSource, type WasmMemory } from './wasm-simd-function.ts';

/** Shape of one depthwise filter-gradient call, channel multiplier 1; x is already padded to [n, hp, wp, c]. */
export interface DepthwiseFilterGradShape {
  readonly batch: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly paddedHeight: number;
  readonly paddedWidth: number;
  readonly channels: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
}

/** Accumulators held in v128 locals; beyond this the engine spills so much that the chain of kernels wins. */
const MAX_ACCUMULATORS = 36;

/**
 * dW[i, j, c] = sum over (n, y, x) of xPadded[n, y*sh + i, x*sw + j, c] * dy[n, y, x, c], for one
 * block of 4*B channels at a time: per dy pixel, B vector loads of dy and fh*fw*B of x, multiplied
 * into fh*fw*B accumulators (B = 4 covers a 64-byte cache line with the 9 taps of a 3x3 filter).
 * Each image's partial sums are added into dW (which starts zeroed), so no float32 running sum grows
 * past one image: the error stays that of summing ~H*W terms, not N*H*W.
 * Returns the source, or undefined when channels or taps do not fit the scheme.
 */
export function depthwiseFilterGradSource(s: DepthwiseFilterGradShape): SimdFunctionSource | undefined {
  const taps = s.filterHeight * s.filterWidth;
  const lanes = [4, 2, 1].find((b) => s.channels % (4 * b) === 0 && taps * b <= MAX_ACCUMULATORS);
  if (lanes === undefined) return undefined;
  const [X_PTR, DY_PTR, OUT_PTR, BLOCK, N, Y, X, X_ADDR, DY_ADDR] = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const;
  const ACC = 9;
  const DY = ACC + taps * lanes;
  const row = s.channels * 4;
  const blockBytes = 16 * lanes;
  const acc = (t: number, b: number) => ACC + t * lanes + b;
  const body: number[] = [];
  const emit = (...code: (readonly number[])[]) => code.forEach((c) => body.push(...c));

  emit(op.i32Const(0), op.localSet(BLOCK), op.loop); // channel blocks
  emit(op.i32Const(0), op.localSet(N), op.loop); // images
  for (let t = 0; t < taps; t++) for (let b = 0; b < lanes; b++) emit(op.v128Zero, op.localSet(acc(t, b)));
  emit(op.i32Const(0), op.localSet(Y), op.loop); // dy rows
  // x address = xPtr + block*blockBytes + (n*hp + y*sh) * wp * row; dy address = dyPtr + block*blockBytes + (n*oh + y) * ow * row
  emit(op.localGet(X_PTR), op.localGet(BLOCK), op.i32Const(blockBytes), op.i32Mul, op.i32Add);
  emit(op.localGet(N), op.i32Const(s.paddedHeight), op.i32Mul, op.localGet(Y), op.i32Const(s.strideHeight), op.i32Mul, op.i32Add);
  emit(op.i32Const(s.paddedWidth * row), op.i32Mul, op.i32Add, op.localSet(X_ADDR));
  emit(op.localGet(DY_PTR), op.localGet(BLOCK), op.i32Const(blockBytes), op.i32Mul, op.i32Add);
  emit(op.localGet(N), op.i32Const(s.outHeight), op.i32Mul, op.localGet(Y), op.i32Add, op.i32Const(s.outWidth * row), op.i32Mul, op.i32Add, op.localSet(DY_ADDR));
  emit(op.i32Const(s.outWidth), op.localSet(X), op.loop); // dy columns
  for (let b = 0; b < lanes; b++) emit(op.localGet(DY_ADDR), op.v128Load(16 * b), op.localSet(DY + b));
  for (let i = 0; i < s.filterHeight; i++) {
    for (let j = 0; j < s.filterWidth; j++) {
      for (let b = 0; b < lanes; b++) {
        const t = i * s.filterWidth + j;
        emit(op.localGet(acc(t, b)), op.localGet(X_ADDR), op.v128Load((i * s.paddedWidth + j) * row + 16 * b), op.localGet(DY + b));
        emit(op.f32x4Mul, op.f32x4Add, op.localSet(acc(t, b)));
      }
    }
  }
  emit(op.localGet(X_ADDR), op.i32Const(s.strideWidth * row), op.i32Add, op.localSet(X_ADDR));
  emit(op.localGet(DY_ADDR), op.i32Const(row), op.i32Add, op.localSet(DY_ADDR));
  emit(op.localGet(X), op.i32Const(1), op.i32Sub, op.localTee(X), op.brIf(0), op.end);
  emit(op.localGet(Y), op.i32Const(1), op.i32Add, op.localTee(Y), op.i32Const(s.outHeight), op.i32LtU, op.brIf(0), op.end);
  // dW[t, block] += this image's sums
  for (let t = 0; t < taps; t++) {
    for (let b = 0; b < lanes; b++) {
      const offset = t * row + 16 * b;
      emit(op.localGet(OUT_PTR), op.localGet(BLOCK), op.i32Const(blockBytes), op.i32Mul, op.i32Add);
      emit(op.localGet(OUT_PTR), op.localGet(BLOCK), op.i32Const(blockBytes), op.i32Mul, op.i32Add, op.v128Load(offset));
      emit(op.localGet(acc(t, b)), op.f32x4Add, op.v128Store(offset));
    }
  }
  emit(op.localGet(N), op.i32Const(1), op.i32Add, op.localTee(N), op.i32Const(s.batch), op.i32LtU, op.brIf(0), op.end);
  emit(op.localGet(BLOCK), op.i32Const(1), op.i32Add, op.localTee(BLOCK), op.i32Const(s.channels / (4 * lanes)), op.i32LtU, op.brIf(0), op.end);
  return { params: 3, locals: [[6, I32], [taps * lanes + lanes, V128]], body };
}

type Compiled = (xPaddedAddress: number, dyAddress: number, outAddress: number) => void;

/** The compiled kernel for `shape` on `memory`, or undefined when this shape or engine is unsupported. */
export function depthwiseFilterGradSimd(memory: WasmMemory, shape: DepthwiseFilterGradShape): Compiled | undefined {
  return cachedSimdFunction(memory, `depthwise filter grad ${JSON.stringify(shape)}`, () => depthwiseFilterGradSource(shape)) as Compiled | undefined;
}
