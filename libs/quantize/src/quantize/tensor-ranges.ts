// Calibration statistics: the observed value range of every activation tensor that will be quantized.

/** Smallest and largest value seen in one tensor over all calibration inputs. */
export interface TensorRange {
  readonly min: number;
  readonly max: number;
}

/** Output of collectMinMax, input of quantizeStatic; plain data, so it can be saved as JSON and reused. */
export interface TensorRanges {
  readonly method: 'minmax';
  /** Calibration inputs seen (batch rows, not runs). */
  readonly samples: number;
  readonly tensors: Readonly<Record<string, TensorRange>>;
}

/** A range widened to include `values` (NaNs are ignored: they carry no range information). */
export function widenRange(range: TensorRange | undefined, values: ArrayLike<number>): TensorRange {
  let min = range?.min ?? Infinity;
  let max = range?.max ?? -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
