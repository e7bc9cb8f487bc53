// MinMax calibrator: the range of every value seen (onnxruntime's MinMaxCalibrater).

import { widenRange, type TensorRange } from '../../quantize/tensor-ranges.ts';
import { defineCalibrator, type TensorObserver } from '../calibrator.ts';

/** An observer that widens [min, max] to every value (NaN ignored). */
export function minMaxObserver(): TensorObserver {
  let range: TensorRange = { min: Infinity, max: -Infinity };
  return {
    observe(values) {
      range = widenRange(range, values);
    },
    range: () => range,
  };
}

export const minMaxCalibrator = defineCalibrator('minmax', () => minMaxObserver());
