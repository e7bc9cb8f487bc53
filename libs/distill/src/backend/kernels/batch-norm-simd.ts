// Batch-norm forward and gradient reductions as single-pass compiled wasm SIMD loops over [rows, channels] tensors.

import { cachedSimdFunction, I32, op, V128, type SimdFunctionSource, type WasmMemory } from './wasm-simd-function.ts';

/**
 * Both computations are memory-bound: composed from backend kernels they stream an activation 3-6
 * times (x - mean, times the factor, plus the offset; or x - mean, times dy, two reductions); compiled
 * they stream it once, row after row in memory order. (Walking one channel block down all rows at a
 * time instead reads every row with a stride: ~2.5x slower on DS-CNN activations.) The per-channel
 * vectors (mean, factor, offset; or the running sums) stay in L1 across rows. The channel loop does
 * G = 4, 2 or 1 vectors per iteration, whichever divides the channels.
 */
const groupFor = (channels: number): number | undefined => [4, 2, 1].find((g) => channels % (4 * g) === 0);

/** Rows per partial sum: a float32 running sum over a whole batch loses digits, so sums restart and are added into the output. */
const ROWS_PER_PARTIAL = 1024;

type Emit = (...code: (readonly number[])[]) => void;

function assembler(): { body: number[]; emit: Emit } {
  const body: number[] = [];
  return { body, emit: (...code) => code.forEach((c) => body.push(...c)) };
}

/** Push base + offset (two locals). */
const sum = (emit: Emit, base: number, offset: number) => emit(op.localGet(base), op.localGet(offset), op.i32Add);

/** local += step; loop again while local < bound (closes the innermost loop). */
const nextWhileBelow = (emit: Emit, local: number, step: number, bound: readonly number[]) =>
  emit(op.localGet(local), op.i32Const(step), op.i32Add, op.localTee(local), bound, op.i32LtU, op.brIf(0), op.end);

/**
 * y = (x - mean) * factor + offset. Arguments (byte addresses): x, mean, factor, offset, y; mean,
 * factor and offset hold one float per channel.
 */
export function batchNormForwardSource(rows: number, channels: number): SimdFunctionSource | undefined {
  const group = groupFor(channels);
  if (group === undefined || rows < 1) return undefined;
  const [X, MEAN, FACTOR, OFFSET, Y, AT, CO, X_ROW, Y_ROW] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const row = channels * 4;
  const { body, emit } = assembler();
  emit(op.i32Const(0), op.localSet(AT), op.loop); // rows
  sum(emit, X, AT);
  emit(op.localSet(X_ROW));
  sum(emit, Y, AT);
  emit(op.localSet(Y_ROW), op.i32Const(0), op.localSet(CO), op.loop); // channel groups
  for (let g = 0; g < group; g++) {
    const at = 16 * g;
    sum(emit, Y_ROW, CO); // store address
    sum(emit, X_ROW, CO);
    emit(op.v128Load(at));
    sum(emit, MEAN, CO);
    emit(op.v128Load(at), op.f32x4Sub);
    sum(emit, FACTOR, CO);
    emit(op.v128Load(at), op.f32x4Mul);
    sum(emit, OFFSET, CO);
    emit(op.v128Load(at), op.f32x4Add, op.v128Store(at));
  }
  nextWhileBelow(emit, CO, 16 * group, op.i32Const(row));
  nextWhileBelow(emit, AT, row, op.i32Const(rows * row));
  return { params: 5, locals: [[4, I32]], body };
}

/**
 * sums[0, c] = sum over rows of dy and sums[1, c] = sum over rows of dy * (x - mean): the two
 * reductions of the batch-norm gradient. Arguments (byte addresses): dy, x, mean, sums, scratch;
 * sums must start zeroed; scratch holds 2 * channels floats of any value (the partial sums).
 * With `centerDy`, dy - mean takes dy's place: called with dy = x, row 1 is then the sum of squared
 * deviations (the batch variance times the row count), computed as tf.moments does.
 */
export function batchNormGradSumsSource(rows: number, channels: number, centerDy = false): SimdFunctionSource | undefined {
  const group = groupFor(channels);
  if (group === undefined || rows < 1) return undefined;
  const [DY, X, MEAN, SUMS, SCRATCH, ROW, AT, END, CO, DY_ROW, X_ROW, D] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const row = channels * 4;
  const { body, emit } = assembler();
  const zeroScratch = () => {
    for (const at of [0, row]) {
      sum(emit, SCRATCH, CO);
      emit(op.v128Zero, op.v128Store(at));
    }
  };
  emit(op.i32Const(0), op.localSet(CO), op.loop);
  zeroScratch();
  nextWhileBelow(emit, CO, 16, op.i32Const(row));
  emit(op.i32Const(0), op.localSet(ROW), op.loop); // one partial sum per ROWS_PER_PARTIAL rows
  // AT = ROW * row; ROW = min(ROW + ROWS_PER_PARTIAL, rows); END = ROW * row
  emit(op.localGet(ROW), op.i32Const(row), op.i32Mul, op.localSet(AT));
  emit(op.localGet(ROW), op.i32Const(ROWS_PER_PARTIAL), op.i32Add, op.localTee(ROW), op.i32Const(rows), op.localGet(ROW), op.i32Const(rows), op.i32LtU, op.select, op.localTee(ROW));
  emit(op.i32Const(row), op.i32Mul, op.localSet(END));
  emit(op.loop); // rows of this partial
  sum(emit, DY, AT);
  emit(op.localSet(DY_ROW));
  sum(emit, X, AT);
  emit(op.localSet(X_ROW), op.i32Const(0), op.localSet(CO), op.loop); // channel groups
  for (let g = 0; g < group; g++) {
    const at = 16 * g;
    sum(emit, DY_ROW, CO);
    emit(op.v128Load(at));
    if (centerDy) {
      sum(emit, MEAN, CO);
      emit(op.v128Load(at), op.f32x4Sub);
    }
    emit(op.localSet(D));
    sum(emit, SCRATCH, CO); // store address of the dy sum
    sum(emit, SCRATCH, CO);
    emit(op.v128Load(at), op.localGet(D), op.f32x4Add, op.v128Store(at));
    sum(emit, SCRATCH, CO); // store address of the dy * (x - mean) sum
    sum(emit, SCRATCH, CO);
    emit(op.v128Load(row + at));
    sum(emit, X_ROW, CO);
    emit(op.v128Load(at));
    sum(emit, MEAN, CO);
    emit(op.v128Load(at), op.f32x4Sub, op.localGet(D), op.f32x4Mul, op.f32x4Add, op.v128Store(row + at));
  }
  nextWhileBelow(emit, CO, 16 * group, op.i32Const(row));
  nextWhileBelow(emit, AT, row, op.localGet(END));
  // sums += partial sums; partial sums = 0
  emit(op.i32Const(0), op.localSet(CO), op.loop);
  for (const at of [0, row]) {
    sum(emit, SUMS, CO);
    sum(emit, SUMS, CO);
    emit(op.v128Load(at));
    sum(emit, SCRATCH, CO);
    emit(op.v128Load(at), op.f32x4Add, op.v128Store(at));
  }
  zeroScratch();
  nextWhileBelow(emit, CO, 16, op.i32Const(row));
  emit(op.localGet(ROW), op.i32Const(rows), op.i32LtU, op.brIf(0), op.end);
  return { params: 5, locals: [[6, I32], [1, V128]], body };
}

/**
 * dx = dy * a + (x - mean) * b + c with one float per channel in each of a, b, mean, c: the batch-norm
 * input gradient once its per-channel reductions are known (x - mean first, so a large mean does not
 * cancel against c). Arguments (byte addresses): dy, x, coefficients ([4, channels]: a, b, mean, c), dx.
 */
export function batchNormInputGradSource(rows: number, channels: number): SimdFunctionSource | undefined {
  const group = groupFor(channels);
  if (group === undefined || rows < 1) return undefined;
  const [DY, X, COEF, DX, AT, CO, DY_ROW, X_ROW, DX_ROW] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const row = channels * 4;
  const { body, emit } = assembler();
  const coefficient = (k: number, at: number) => {
    sum(emit, COEF, CO);
    emit(op.v128Load(k * row + at));
  };
  emit(op.i32Const(0), op.localSet(AT), op.loop); // rows
  for (const [base, local] of [[DY, DY_ROW], [X, X_ROW], [DX, DX_ROW]] as const) {
    sum(emit, base, AT);
    emit(op.localSet(local));
  }
  emit(op.i32Const(0), op.localSet(CO), op.loop); // channel groups
  for (let g = 0; g < group; g++) {
    const at = 16 * g;
    sum(emit, DX_ROW, CO); // store address
    sum(emit, DY_ROW, CO);
    emit(op.v128Load(at));
    coefficient(0, at);
    emit(op.f32x4Mul);
    sum(emit, X_ROW, CO);
    emit(op.v128Load(at));
    coefficient(2, at);
    emit(op.f32x4Sub);
    coefficient(1, at);
    emit(op.f32x4Mul, op.f32x4Add);
    coefficient(3, at);
    emit(op.f32x4Add, op.v128Store(at));
  }
  nextWhileBelow(emit, CO, 16 * group, op.i32Const(row));
  nextWhileBelow(emit, AT, row, op.i32Const(rows * row));
  return { params: 4, locals: [[5, I32]], body };
}

type Compiled = (...addresses: number[]) => void;

/** (x, mean, factor, offset, y) => void for [rows, channels]; undefined when channels % 4 != 0 or without SIMD. */
export function batchNormForwardSimd(memory: WasmMemory, rows: number, channels: number): Compiled | undefined {
  return cachedSimdFunction(memory, `batch-norm forward ${rows}x${channels}`, () => batchNormForwardSource(rows, channels));
}

/** (dy, x, mean, sums, scratch) => void for [rows, channels]; undefined when channels % 4 != 0 or without SIMD. */
export function batchNormGradSumsSimd(memory: WasmMemory, rows: number, channels: number, centerDy = false): Compiled | undefined {
  return cachedSimdFunction(memory, `batch-norm grad sums ${rows}x${channels}${centerDy ? ' centered' : ''}`, () => batchNormGradSumsSource(rows, channels, centerDy));
}

/** (dy, x, coefficients, dx) => void for [rows, channels]; undefined when channels % 4 != 0 or without SIMD. */
export function batchNormInputGradSimd(memory: WasmMemory, rows: number, channels: number): Compiled | undefined {
  return cachedSimdFunction(memory, `batch-norm input grad ${rows}x${channels}`, () => batchNormInputGradSource(rows, channels));
}
