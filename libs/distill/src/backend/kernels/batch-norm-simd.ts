// Batch-norm forward and gradient reductions as single-pass compiled wasm SIMD loops over [rows, channels] tensors.

import { cachedSimdFunction, I32, op, V128, type SimdFunctionSource, type WasmMemory } from './wasm-simd-function.ts';

/**
 * Both computations are memory-bound: composed from backend kernels they stream an activation 3-6
 * times (x - mean, times the factor, plus the offset; or x - mean, times dy, two reductions); compiled
 * they stream it once. Channels go in blocks of 4*B (B = 4: one 64-byte cache line), so successive
 * blocks read disjoint cache lines and the tensor is still read once overall.
 */
const lanesFor = (channels: number): number | undefined => [4, 2, 1].find((b) => channels % (4 * b) === 0);

/** Rows per partial sum: a float32 running sum over a whole batch loses digits, so sums restart and are added into the output. */
const ROWS_PER_PARTIAL = 1024;

type Emit = (...code: (readonly number[])[]) => void;

function assembler(): { body: number[]; emit: Emit } {
  const body: number[] = [];
  return { body, emit: (...code) => code.forEach((c) => body.push(...c)) };
}

/** local = pointer + block * (16 * lanes): where this channel block starts in row 0. */
const setBlockBase = (emit: Emit, local: number, pointer: number, block: number, lanes: number) =>
  emit(op.localGet(pointer), op.localGet(block), op.i32Const(16 * lanes), op.i32Mul, op.i32Add, op.localSet(local));

/**
 * y = (x - mean) * factor + offset. Arguments (byte addresses): x, mean, factor, offset, y; mean,
 * factor and offset hold one float per channel.
 */
export function batchNormForwardSource(rows: number, channels: number): SimdFunctionSource | undefined {
  const lanes = lanesFor(channels);
  if (lanes === undefined || rows < 1) return undefined;
  const [X, MEAN, FACTOR, OFFSET, Y, BLOCK, AT, X_BASE, Y_BASE] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const mean = (b: number) => 9 + b;
  const factor = (b: number) => 9 + lanes + b;
  const offset = (b: number) => 9 + 2 * lanes + b;
  const row = channels * 4;
  const { body, emit } = assembler();
  emit(op.i32Const(0), op.localSet(BLOCK), op.loop);
  setBlockBase(emit, X_BASE, X, BLOCK, lanes);
  setBlockBase(emit, Y_BASE, Y, BLOCK, lanes);
  for (const [pointer, local] of [[MEAN, mean], [FACTOR, factor], [OFFSET, offset]] as const) {
    for (let b = 0; b < lanes; b++) {
      emit(op.localGet(pointer), op.localGet(BLOCK), op.i32Const(16 * lanes), op.i32Mul, op.i32Add, op.v128Load(16 * b), op.localSet(local(b)));
    }
  }
  emit(op.i32Const(0), op.localSet(AT), op.loop);
  for (let b = 0; b < lanes; b++) {
    emit(op.localGet(Y_BASE), op.localGet(AT), op.i32Add); // store address
    emit(op.localGet(X_BASE), op.localGet(AT), op.i32Add, op.v128Load(16 * b), op.localGet(mean(b)), op.f32x4Sub);
    emit(op.localGet(factor(b)), op.f32x4Mul, op.localGet(offset(b)), op.f32x4Add, op.v128Store(16 * b));
  }
  emit(op.localGet(AT), op.i32Const(row), op.i32Add, op.localTee(AT), op.i32Const(rows * row), op.i32LtU, op.brIf(0), op.end);
  emit(op.localGet(BLOCK), op.i32Const(1), op.i32Add, op.localTee(BLOCK), op.i32Const(channels / (4 * lanes)), op.i32LtU, op.brIf(0), op.end);
  return { params: 5, locals: [[4, I32], [3 * lanes, V128]], body };
}

/**
 * sums[0, c] = sum over rows of dy and sums[1, c] = sum over rows of dy * (x - mean): the two
 * reductions of the batch-norm gradient. Arguments (byte addresses): dy, x, mean, sums; sums must
 * start zeroed.
 */
export function batchNormGradSumsSource(rows: number, channels: number): SimdFunctionSource | undefined {
  const lanes = lanesFor(channels);
  if (lanes === undefined || rows < 1) return undefined;
  const [DY, X, MEAN, SUMS, BLOCK, ROW, AT, END, DY_BASE, X_BASE, SUMS_BASE] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const mean = (b: number) => 11 + b;
  const sumDy = (b: number) => 11 + lanes + b;
  const sumDyCentered = (b: number) => 11 + 2 * lanes + b;
  const dy = 11 + 3 * lanes;
  const row = channels * 4;
  const { body, emit } = assembler();
  emit(op.i32Const(0), op.localSet(BLOCK), op.loop);
  setBlockBase(emit, DY_BASE, DY, BLOCK, lanes);
  setBlockBase(emit, X_BASE, X, BLOCK, lanes);
  setBlockBase(emit, SUMS_BASE, SUMS, BLOCK, lanes);
  for (let b = 0; b < lanes; b++) emit(op.localGet(MEAN), op.localGet(BLOCK), op.i32Const(16 * lanes), op.i32Mul, op.i32Add, op.v128Load(16 * b), op.localSet(mean(b)));
  emit(op.i32Const(0), op.localSet(ROW), op.loop); // one partial sum per ROWS_PER_PARTIAL rows
  for (let b = 0; b < lanes; b++) emit(op.v128Zero, op.localSet(sumDy(b)), op.v128Zero, op.localSet(sumDyCentered(b)));
  // AT = ROW * row; ROW = min(ROW + ROWS_PER_PARTIAL, rows); END = ROW * row
  emit(op.localGet(ROW), op.i32Const(row), op.i32Mul, op.localSet(AT));
  emit(op.localGet(ROW), op.i32Const(ROWS_PER_PARTIAL), op.i32Add, op.localTee(ROW), op.i32Const(rows), op.localGet(ROW), op.i32Const(rows), op.i32LtU, op.select, op.localTee(ROW));
  emit(op.i32Const(row), op.i32Mul, op.localSet(END));
  emit(op.loop);
  for (let b = 0; b < lanes; b++) {
    emit(op.localGet(DY_BASE), op.localGet(AT), op.i32Add, op.v128Load(16 * b), op.localTee(dy), op.localGet(sumDy(b)), op.f32x4Add, op.localSet(sumDy(b)));
    emit(op.localGet(X_BASE), op.localGet(AT), op.i32Add, op.v128Load(16 * b), op.localGet(mean(b)), op.f32x4Sub, op.localGet(dy), op.f32x4Mul);
    emit(op.localGet(sumDyCentered(b)), op.f32x4Add, op.localSet(sumDyCentered(b)));
  }
  emit(op.localGet(AT), op.i32Const(row), op.i32Add, op.localTee(AT), op.localGet(END), op.i32LtU, op.brIf(0), op.end);
  for (let b = 0; b < lanes; b++) {
    for (const [sum, at] of [[sumDy(b), 16 * b], [sumDyCentered(b), row + 16 * b]] as const) {
      emit(op.localGet(SUMS_BASE), op.localGet(SUMS_BASE), op.v128Load(at), op.localGet(sum), op.f32x4Add, op.v128Store(at));
    }
  }
  emit(op.localGet(ROW), op.i32Const(rows), op.i32LtU, op.brIf(0), op.end);
  emit(op.localGet(BLOCK), op.i32Const(1), op.i32Add, op.localTee(BLOCK), op.i32Const(channels / (4 * lanes)), op.i32LtU, op.brIf(0), op.end);
  return { params: 4, locals: [[7, I32], [3 * lanes + 1, V128]], body };
}

type Compiled = (...addresses: number[]) => void;

/** (x, mean, factor, offset, y) => void for [rows, channels]; undefined when channels % 4 != 0 or without SIMD. */
export function batchNormForwardSimd(memory: WasmMemory, rows: number, channels: number): Compiled | undefined {
  return cachedSimdFunction(memory, `batch-norm forward ${rows}x${channels}`, () => batchNormForwardSource(rows, channels));
}

/** (dy, x, mean, sums) => void for [rows, channels]; undefined when channels % 4 != 0 or without SIMD. */
export function batchNormGradSumsSimd(memory: WasmMemory, rows: number, channels: number): Compiled | undefined {
  return cachedSimdFunction(memory, `batch-norm grad sums ${rows}x${channels}`, () => batchNormGradSumsSource(rows, channels));
}
