// Calibration phase 1 for any method: one onnxruntime pass, each tensor's values summarized by the configured calibrator.

import type { OnnxModel } from '../onnx/onnx-model.ts';
import { getCalibrator } from '../registry.ts';
import { resolveCalibrationConfig, type CalibrationConfigInput } from '../quantize/static-quantize-config.ts';
import type { TensorRanges } from '../quantize/tensor-ranges.ts';
import { observeRanges } from './observe-ranges.ts';
import type { CalibrationFeed, CalibrationRunOptions } from './run-calibration.ts';

export type CollectRangesOptions = CalibrationRunOptions;

/**
 * Run `model` on every feed and return, for each activation quantizeStatic will quantize, the range
 * chosen by `calibration.method` (minmax, percentile or entropy; registry.ts CALIBRATORS). The
 * config is validated and completed with the method's defaults; `samples` is for the caller (how
 * many inputs to feed), every feed given is used. The method's other settings are recorded in
 * `parameters` of the result.
 *
 * @example
 * const ranges = await collectRanges(fp32, feeds(), { method: 'percentile', samples: 512, percentile: 99.99 });
 * const int8 = quantizeStatic(fp32, ranges, resolveStaticQuantizeConfig({ calibration: { method: 'percentile' } }));
 */
export async function collectRanges(
  model: OnnxModel,
  feeds: AsyncIterable<CalibrationFeed> | Iterable<CalibrationFeed>,
  calibration: CalibrationConfigInput,
  options: CollectRangesOptions = {},
): Promise<TensorRanges> {
  const config = resolveCalibrationConfig(calibration);
  const calibrator = getCalibrator(config.method);
  const { samples, tensors } = await observeRanges(model, feeds, () => calibrator.observer(config), options, 'collectRanges');
  const { method, samples: _, ...settings } = config;
  const parameters = settings as Record<string, number>;
  return Object.keys(parameters).length === 0 ? { method, samples, tensors } : { method, samples, parameters, tensors };
}
