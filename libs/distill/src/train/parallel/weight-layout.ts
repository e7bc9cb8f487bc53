// Where each weight of a model lives in one flat Float32Array, so weights and gradients cross threads as one buffer.

/** Offsets and sizes of a list of tensors packed back to back, in list order. */
export interface WeightLayout {
  readonly shapes: readonly (readonly number[])[];
  readonly offsets: readonly number[];
  readonly sizes: readonly number[];
  /** Floats in the packed buffer. */
  readonly total: number;
}

/** The packed layout of tensors of these shapes. */
export function weightLayout(shapes: readonly (readonly number[])[]): WeightLayout {
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const offsets: number[] = [];
  let total = 0;
  for (const size of sizes) {
    offsets.push(total);
    total += size;
  }
  return { shapes: shapes.map((s) => [...s]), offsets, sizes, total };
}
