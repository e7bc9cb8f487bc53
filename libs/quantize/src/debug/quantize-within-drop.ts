// Accuracy-aware quantization: fall back the most sensitive layers to float until the accuracy drop is within a bound.

import { ConfigError, WhittleError } from '@whittle/datasets';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { encodeOnnxModel } from '../proto/encode-onnx-model.ts';
import { planQdq } from '../quantize/qdq-plan.ts';
import { quantizeStatic } from '../quantize/quantize-static.ts';
import type { StaticQuantizeConfig } from '../quantize/static-quantize-config.ts';
import type { TensorRanges } from '../quantize/tensor-ranges.ts';

/** One evaluated candidate: which layers were float, and how it scored. */
export interface FallbackStep {
  readonly keptFloat: readonly string[];
  /** Accuracy in [0, 1] on the caller's validation split. */
  readonly accuracy: number;
  /** baseline - accuracy, in percentage points. */
  readonly drop: number;
  /**
   * False when keeping the last node float left the graph unchanged (a weightless node such as a
   * pool whose neighbours are still quantized keeps its Q/DQ), so the previous accuracy stands.
   */
  readonly evaluated: boolean;
}

export interface QuantizeWithinDropOptions {
  /** Largest allowed drop in absolute accuracy points (0.5 = half a point); undefined: quantize once and report the drop. */
  readonly maxDrop?: number;
  /** Accuracy in [0, 1] of a model on the validation split; called for fp32 first, then per candidate. */
  readonly evaluate: (model: OnnxModel) => Promise<number>;
  /** Node names, most sensitive first (layerQuantizationReport's rows); fallback takes them in this order. */
  readonly order: readonly string[];
  /** Called after every step, for progress display. */
  readonly onStep?: (step: FallbackStep) => void;
}

export interface QuantizeWithinDropResult {
  /** The last candidate: the first within the bound, or everything in `order` kept float. */
  readonly model: OnnxModel;
  readonly keptFloat: readonly string[];
  readonly baselineAccuracy: number;
  readonly accuracy: number;
  /** Points lost against fp32 (negative if quantization happened to help). */
  readonly drop: number;
  /** Whether `drop <= maxDrop`; true when no bound was given. */
  readonly withinBound: boolean;
  readonly steps: readonly FallbackStep[];
}

async function accuracyOf(evaluate: QuantizeWithinDropOptions['evaluate'], model: OnnxModel, what: string): Promise<number> {
  const accuracy = await evaluate(model);
  if (!Number.isFinite(accuracy) || accuracy < 0 || accuracy > 1) {
    throw new WhittleError('INVALID_ARGUMENT', `evaluate() passed to 'quantizeWithinDrop' must return an accuracy in [0, 1]; got ${accuracy} for ${what}`, { hint: 'return a fraction (0.93), not percent (93)' });
  }
  return accuracy;
}

/**
 * Quantize, measure, and while the accuracy drop exceeds `maxDrop`, keep the next node of `order`
 * float and measure again. Never throws for an unreachable bound: the result says `withinBound: false`
 * and the caller decides.
 *
 * @example
 * const report = await layerQuantizationReport(fp32, int8, feeds(), { ranges, config });
 * const result = await quantizeWithinDrop(fp32, ranges, config, { maxDrop: 1, evaluate, order: report.layers.map((l) => l.node) });
 */
export async function quantizeWithinDrop(fp32: OnnxModel, ranges: TensorRanges, config: StaticQuantizeConfig, options: QuantizeWithinDropOptions): Promise<QuantizeWithinDropResult> {
  const { maxDrop, order } = options;
  if (maxDrop !== undefined && (!Number.isFinite(maxDrop) || maxDrop < 0)) {
    throw new ConfigError(`Option 'maxDrop' of 'quantizeWithinDrop' must be a finite number of accuracy points >= 0; got ${maxDrop}`, 'e.g. 1 for at most one point below fp32');
  }
  const quantizable = planQdq(fp32.graph).quantizable;
  const unknown = order.filter((n) => !quantizable.includes(n));
  const repeated = order.filter((n, i) => order.indexOf(n) !== i);
  if (unknown.length > 0 || repeated.length > 0) {
    const problem = unknown.length > 0 ? `names ${unknown.map((n) => `'${n}'`).join(', ')}, not quantizable nodes` : `repeats ${repeated.map((n) => `'${n}'`).join(', ')}`;
    throw new WhittleError('INVALID_ARGUMENT', `Option 'order' of 'quantizeWithinDrop' ${problem}. Quantizable: ${quantizable.join(', ')}`, { hint: 'pass layerQuantizationReport(...).layers.map((l) => l.node)' });
  }

  const baselineAccuracy = await accuracyOf(options.evaluate, fp32, 'the fp32 model');
  const steps: FallbackStep[] = [];
  // Compared without metadata, which names the kept layers even when the graph is the same.
  const graphBytes = (m: OnnxModel): Uint8Array => encodeOnnxModel({ ...m, metadata: {} });
  let keptFloat: string[] = [];
  let model = quantizeStatic(fp32, ranges, config);
  let previous: { bytes: Uint8Array; accuracy: number } | undefined;
  for (;;) {
    const bytes = graphBytes(model);
    const same = previous !== undefined && Buffer.from(bytes).equals(Buffer.from(previous.bytes));
    const accuracy = same && previous !== undefined ? previous.accuracy : await accuracyOf(options.evaluate, model, keptFloat.length === 0 ? 'the quantized model' : `the model with ${keptFloat.join(', ')} kept float`);
    previous = { bytes, accuracy };
    const step: FallbackStep = { keptFloat: [...keptFloat], accuracy, drop: (baselineAccuracy - accuracy) * 100, evaluated: !same };
    steps.push(step);
    options.onStep?.(step);
    const next = order[keptFloat.length];
    if (maxDrop === undefined || step.drop <= maxDrop || next === undefined) {
      return { model, keptFloat, baselineAccuracy, accuracy, drop: step.drop, withinBound: maxDrop === undefined || step.drop <= maxDrop, steps };
    }
    keptFloat = [...keptFloat, next];
    model = quantizeStatic(fp32, ranges, config, { keepFloat: keptFloat });
  }
}
