// One calibration pass with one observer per planned tensor: the shared core of collectRanges and collectMinMax.

import { WhittleError } from '@whittle/datasets';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import type { TensorRange } from '../quantize/tensor-ranges.ts';
import type { TensorObserver } from './calibrator.ts';
import { runCalibration, type CalibrationFeed, type CalibrationRunOptions } from './run-calibration.ts';

/**
 * Run the calibration pass, feeding each planned tensor's values to its own observer from
 * `makeObserver`, and return every tensor's range. A tensor without a finite range is an error
 * (NaN/Infinity in the inputs, or a broken model). `caller` names the public function in errors.
 */
export async function observeRanges(
  model: OnnxModel,
  feeds: AsyncIterable<CalibrationFeed> | Iterable<CalibrationFeed>,
  makeObserver: () => TensorObserver,
  options: CalibrationRunOptions,
  caller: string,
): Promise<{ samples: number; tensors: Record<string, TensorRange> }> {
  const observers = new Map<string, TensorObserver>();
  const onValues = (tensor: string, values: Float32Array): void => {
    let observer = observers.get(tensor);
    if (observer === undefined) {
      observer = makeObserver();
      observers.set(tensor, observer);
    }
    observer.observe(values);
  };
  const { samples, calibrated } = await runCalibration(model, feeds, onValues, options, caller);
  const tensors: Record<string, TensorRange> = {};
  for (const name of calibrated) {
    const range = observers.get(name)?.range();
    if (range === undefined || !Number.isFinite(range.min) || !Number.isFinite(range.max)) {
      throw new WhittleError('NUMERIC', `Calibration saw no finite values for tensor '${name}' (range [${range?.min}, ${range?.max}])`, { hint: 'check the calibration inputs for NaN/Infinity' });
    }
    tensors[name] = range;
  }
  return { samples, tensors };
}
