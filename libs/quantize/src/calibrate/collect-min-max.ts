// Calibration phase 1, MinMax: run the fp32 model on onnxruntime and record the min/max of every activation to be quantized.

import type { OnnxModel } from '../onnx/onnx-model.ts';
import type { TensorRanges } from '../quantize/tensor-ranges.ts';
import { minMaxObserver } from './calibrators/min-max.ts';
import { observeRanges } from './observe-ranges.ts';
import type { CalibrationFeed, CalibrationRunOptions } from './run-calibration.ts';

export type { CalibrationFeed } from './run-calibration.ts';
export type CollectMinMaxOptions = CalibrationRunOptions;

/**
 * Run `model` on every feed and return the range of each activation quantizeStatic will quantize
 * (the same plan drives both, so the two always agree). The model is run with those activations
 * added as extra graph outputs. The same as collectRanges with method 'minmax'.
 *
 * @example
 * async function* feeds() { for (const x of clips) yield { input_values: { data: x, dims: [1, 98, 40] } }; }
 * const ranges = await collectMinMax(onnx, feeds(), {});
 * const int8 = quantizeStatic(onnx, ranges, DEFAULT_STATIC_QUANTIZE_CONFIG);
 */
export async function collectMinMax(model: OnnxModel, feeds: AsyncIterable<CalibrationFeed> | Iterable<CalibrationFeed>, options: CollectMinMaxOptions = {}): Promise<TensorRanges> {
  const { samples, tensors } = await observeRanges(model, feeds, minMaxObserver, options, 'collectMinMax');
  return { method: 'minmax', samples, tensors };
}
