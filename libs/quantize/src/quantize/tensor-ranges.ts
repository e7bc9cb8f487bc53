// Calibration statistics: the calibrated value range of every activation tensor that will be quantized.

import type { CalibrationMethod } from './static-quantize-config.ts';

/** The range one tensor is quantized to: for minmax the smallest and largest value seen over all calibration inputs. */
export interface TensorRange {
  readonly min: number;
  readonly max: number;
}

/** Output of collectRanges / collectMinMax, input of quantizeStatic; plain data, so it can be saved as JSON and reused. */
export interface TensorRanges {
  /** The calibrator that chose the ranges (a percentile or entropy range may clip values that were seen). */
  readonly method: CalibrationMethod;
  /** Calibration inputs seen (batch rows, not runs). */
  readonly samples: number;
  /** The method's settings besides samples, e.g. { percentile: 99.99 }; absent for minmax, which has none. */
  readonly parameters?: Readonly<Record<string, number>>;
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
