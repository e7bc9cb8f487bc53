// A static int8 within an accuracy bound: quantize, and while the validation drop is over the bound keep the layers that
// hurt most alone (the per-layer report's order) in float, one at a time.

import {
  layerQuantizationReport,
  quantizeStatic,
  quantizeWithinDrop,
  type CalibrationFeed,
  type FallbackStep,
  type LayerReport,
  type OnnxModel,
  type QuantizeWithinDropResult,
  type StaticQuantizeConfig,
  type TensorRanges,
} from '@whittle/quantize';

export interface AccuracyAwareInt8Options {
  /** The recipe's calibrated ranges (calibrationRanges). */
  readonly ranges: TensorRanges;
  readonly config: StaticQuantizeConfig;
  /** Largest validation-accuracy drop in absolute points; null: quantize once and report the drop. */
  readonly maxDrop: number | null;
  /** Accuracy in [0, 1] of a model on the validation split. */
  readonly evaluate: (model: OnnxModel) => Promise<number>;
  /** The clean training rows the per-layer report compares fp32 and int8 activations on; only built when the report is. */
  readonly debugFeeds: () => Iterable<CalibrationFeed>;
  /**
   * 'always': the report is wanted for itself (the published int8 ships it). 'when-needed': only computed to order a
   * fallback the plain int8 needs; the result is the same, since the fallback reads the report only then.
   */
  readonly layerReport: 'always' | 'when-needed';
  readonly onLayer?: (node: string, done: number, total: number) => void;
  /** Called once per evaluated candidate, the plain int8 first. */
  readonly onStep?: (step: FallbackStep) => void;
}

export interface AccuracyAwareInt8 extends QuantizeWithinDropResult {
  /** The per-layer report of the plain int8; null when 'when-needed' and the plain int8 met the bound. */
  readonly layerReport: LayerReport | null;
}

/**
 * The accuracy-aware static int8 of `fp32`: the plain quantized model when its drop is within `maxDrop` (or there is
 * no bound), else quantizeWithinDrop in the per-layer report's order. The published int8 and every leave-one-engine-out
 * role's int8 are built here, so they follow the same rule.
 *
 * @example const int8 = await accuracyAwareInt8(fp32, { ranges, config, maxDrop: 0.3, evaluate, debugFeeds: () => feeds, layerReport: 'always' });
 */
export async function accuracyAwareInt8(fp32: OnnxModel, options: AccuracyAwareInt8Options): Promise<AccuracyAwareInt8> {
  const { ranges, config, maxDrop } = options;
  const plain = quantizeStatic(fp32, ranges, config);
  const report = (): Promise<LayerReport> =>
    layerQuantizationReport(fp32, plain, options.debugFeeds(), { ranges, config, ...(options.onLayer === undefined ? {} : { onLayer: options.onLayer }) });
  let layerReport = options.layerReport === 'always' ? await report() : null;
  const baseline = options.evaluate(fp32);
  // quantizeWithinDrop measures fp32 again first: the same graph, so the same figure, taken once.
  const evaluate = (m: OnnxModel): Promise<number> => (m === fp32 ? baseline : options.evaluate(m));
  const baselineAccuracy = await baseline;
  const accuracy = await evaluate(plain);
  const first: FallbackStep = { keptFloat: [], accuracy, drop: (baselineAccuracy - accuracy) * 100, evaluated: true };
  options.onStep?.(first);
  if (maxDrop === null || first.drop <= maxDrop) {
    return { model: plain, keptFloat: [], baselineAccuracy, accuracy, drop: first.drop, withinBound: true, steps: [first], layerReport };
  }
  layerReport ??= await report();
  const fallback = await quantizeWithinDrop(fp32, ranges, config, {
    maxDrop,
    evaluate,
    order: layerReport.layers.map((l) => l.node),
    // Its first step is the plain int8 measured above.
    onStep: (step) => {
      if (step.keptFloat.length > 0) options.onStep?.(step);
    },
  });
  return { ...fallback, layerReport };
}
