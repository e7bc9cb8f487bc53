// A^T B for row-major A [rows, m] and B [rows, n] as one compiled wasm SIMD loop: the 1x1 conv filter gradient without a transpose.

import { cachedSimdFunction, I32, op, V128, type SimdFunctionSource, type WasmMemory } from './wasm-simd-function.ts';

/** Shape of one A^T B product: A is [rows, m], B is [rows, n], the result [m, n]. */
export interface TransposedProductShape {
  readonly rows: number;
  readonly m: number;
  readonly n: number;
}

/** Output tile: 4 columns of A (broadcast lanes) by 8 of B (two vectors), 8 accumulators: no register spills on x64's 16. */
const TILE_M = 4;
const TILE_N = 8;
/** Rows per pass over all tiles: A and B rows of one chunk stay in the 48 KB L1 while every tile reads them. */
const CHUNK_BYTES = 32 * 1024;

/**
 * out[i, j] += sum over r of a[r, i] * b[r, j]. XNNPACK's GEMM needs the summed axis contiguous, so the
 * backend first transposes A and packs B (two extra passes over DS-CNN's 8 MB activations, and a GEMM
 * whose 31360-long dot products stream from L3); here each chunk of rows is read once from memory and
 * then re-read from L1 by every 4x8 output tile, four broadcast loads of A and two vector loads of B
 * per row. Partial sums restart every chunk and are added into `out` (which starts zeroed), so no
 * float32 running sum spans more than a chunk's rows. Undefined unless m % 4 == 0 and n % 8 == 0.
 */
export function transposedProductSource(s: TransposedProductShape): SimdFunctionSource | undefined {
  if (s.m % TILE_M !== 0 || s.n % TILE_N !== 0 || s.rows < 1) return undefined;
  const [A, B, OUT, ROW, END, TM, TN, A_AT, B_AT, A_END, OUT_AT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const acc = (i: number, j: number) => 11 + i * 2 + j;
  const [B0, B1, SPLAT] = [19, 20, 21];
  const aRow = s.m * 4;
  const bRow = s.n * 4;
  const chunk = Math.max(1, Math.floor(CHUNK_BYTES / (aRow + bRow)));
  const body: number[] = [];
  const emit = (...code: (readonly number[])[]) => code.forEach((c) => body.push(...c));

  emit(op.i32Const(0), op.localSet(ROW), op.loop); // row chunks
  // END = min(ROW + chunk, rows)
  emit(op.localGet(ROW), op.i32Const(chunk), op.i32Add, op.localTee(END), op.i32Const(s.rows), op.localGet(END), op.i32Const(s.rows), op.i32LtU, op.select, op.localSet(END));
  emit(op.i32Const(0), op.localSet(TM), op.loop); // tiles along m
  emit(op.i32Const(0), op.localSet(TN), op.loop); // tiles along n
  // OUT_AT = out + (TM * 4 * n + TN * 8) * 4
  emit(op.localGet(OUT), op.localGet(TM), op.i32Const(TILE_M * bRow), op.i32Mul, op.i32Add, op.localGet(TN), op.i32Const(TILE_N * 4), op.i32Mul, op.i32Add, op.localSet(OUT_AT));
  for (let i = 0; i < TILE_M; i++) for (let j = 0; j < 2; j++) emit(op.v128Zero, op.localSet(acc(i, j)));
  // A_AT = a + ROW * aRow + TM * 16; A_END = a + END * aRow + TM * 16; B_AT = b + ROW * bRow + TN * 32
  const aAddress = (row: number) => emit(op.localGet(A), op.localGet(row), op.i32Const(aRow), op.i32Mul, op.i32Add, op.localGet(TM), op.i32Const(TILE_M * 4), op.i32Mul, op.i32Add);
  aAddress(ROW);
  emit(op.localSet(A_AT));
  aAddress(END);
  emit(op.localSet(A_END));
  emit(op.localGet(B), op.localGet(ROW), op.i32Const(bRow), op.i32Mul, op.i32Add, op.localGet(TN), op.i32Const(TILE_N * 4), op.i32Mul, op.i32Add, op.localSet(B_AT));
  emit(op.loop); // rows of the chunk
  emit(op.localGet(B_AT), op.v128Load(0), op.localSet(B0), op.localGet(B_AT), op.v128Load(16), op.localSet(B1));
  for (let i = 0; i < TILE_M; i++) {
    emit(op.localGet(A_AT), op.v128Load32Splat(4 * i), op.localSet(SPLAT));
    emit(op.localGet(acc(i, 0)), op.localGet(SPLAT), op.localGet(B0), op.f32x4Mul, op.f32x4Add, op.localSet(acc(i, 0)));
    emit(op.localGet(acc(i, 1)), op.localGet(SPLAT), op.localGet(B1), op.f32x4Mul, op.f32x4Add, op.localSet(acc(i, 1)));
  }
  emit(op.localGet(B_AT), op.i32Const(bRow), op.i32Add, op.localSet(B_AT));
  emit(op.localGet(A_AT), op.i32Const(aRow), op.i32Add, op.localTee(A_AT), op.localGet(A_END), op.i32LtU, op.brIf(0), op.end);
  // out tile += this chunk's sums
  for (let i = 0; i < TILE_M; i++) {
    for (let j = 0; j < 2; j++) {
      const offset = i * bRow + 16 * j;
      emit(op.localGet(OUT_AT), op.localGet(OUT_AT), op.v128Load(offset), op.localGet(acc(i, j)), op.f32x4Add, op.v128Store(offset));
    }
  }
  emit(op.localGet(TN), op.i32Const(1), op.i32Add, op.localTee(TN), op.i32Const(s.n / TILE_N), op.i32LtU, op.brIf(0), op.end);
  emit(op.localGet(TM), op.i32Const(1), op.i32Add, op.localTee(TM), op.i32Const(s.m / TILE_M), op.i32LtU, op.brIf(0), op.end);
  emit(op.localGet(END), op.localTee(ROW), op.i32Const(s.rows), op.i32LtU, op.brIf(0), op.end);
  return { params: 3, locals: [[8, I32], [2 * TILE_M + 3, V128]], body };
}

type Compiled = (aAddress: number, bAddress: number, outAddress: number) => void;

/** The compiled product for `shape` on `memory`, or undefined when the shape or engine is unsupported. */
export function transposedProductSimd(memory: WasmMemory, shape: TransposedProductShape): Compiled | undefined {
  return cachedSimdFunction(memory, `transposed product ${shape.rows}x${shape.m}x${shape.n}`, () => transposedProductSource(shape)) as Compiled | undefined;
}
