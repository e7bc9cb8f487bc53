// What the keyword spotter's quantize stage builds: the published int8 recipe, its accuracy bound, and the modes compared with it.

import { ConfigError } from '@whittle/datasets';
import {
  DEFAULT_DYNAMIC_QUANTIZE_CONFIG,
  DEFAULT_FLOAT16_CONFIG,
  DEFAULT_QAT_CONFIG,
  DEFAULT_STATIC_QUANTIZE_CONFIG,
  resolveStaticQuantizeConfig,
  type DynamicQuantizeConfig,
  type Float16Config,
  type QatConfig,
  type StaticQuantizeConfig,
  type StaticQuantizeConfigInput,
} from '@whittle/quantize';
import { CALIBRATION_DATA, type CalibrationData } from './calibration-rows.ts';

/** A static recipe built from the same fp32 model and compared in the report (not published). */
export interface StaticComparison {
  /** Variant id in the report and file name under onnx/variants/. */
  readonly id: string;
  /** Applied on top of the published int8 recipe, so each comparison changes one thing. */
  readonly change: StaticQuantizeConfigInput;
  /** Where this recipe's calibration rows come from; absent: where the published int8's come from. */
  readonly calibrationData?: CalibrationData;
}

export interface QuantizeSettings {
  /** The published static int8 (onnx/model_int8.onnx). */
  readonly int8: StaticQuantizeConfig;
  /** Where the published int8's calibration rows come from (see CalibrationData); the comparisons share it unless they say otherwise. */
  readonly calibrationData: CalibrationData;
  /**
   * Largest validation-accuracy drop in absolute points the published int8 may have; beyond it the most
   * sensitive layers (per-layer report) fall back to float one at a time. null: measure and report only.
   */
  readonly maxDrop: number | null;
  /** Training clips the per-layer report compares fp32 and int8 activations on. */
  readonly debugSamples: number;
  readonly compare: readonly StaticComparison[];
  /** onnx/model_fp16.onnx. */
  readonly float16: Float16Config;
  /** onnx/model_quantized.onnx (transformers.js' name for dynamic int8, dtype 'q8'). */
  readonly dynamic: DynamicQuantizeConfig;
  /** Quantization-aware fine-tuning from the fp32 weights, exported with the int8 recipe; null: skipped. */
  readonly qat: QatConfig | null;
}

/**
 * One lever per comparison: weight granularity, activation symmetry, activation type, two calibrators, and calibration
 * rows drawn from the augmented training copies (issue 5: does calibrating on the noise and channel spread training saw
 * keep int8 within its bound on voices outside the generator too?).
 */
export const DEFAULT_STATIC_COMPARISONS: readonly StaticComparison[] = Object.freeze([
  { id: 'int8-per-tensor', change: { weights: { granularity: 'per-tensor' } } },
  { id: 'int8-symmetric', change: { activations: { symmetric: true } } },
  { id: 'int8-uint8', change: { activations: { type: 'uint8' } } },
  { id: 'int8-percentile', change: { calibration: { method: 'percentile' } } },
  { id: 'int8-entropy', change: { calibration: { method: 'entropy' } } },
  { id: 'int8-augmented-calibration', change: {}, calibrationData: 'training-augmented' },
]);

export const DEFAULT_QUANTIZE_SETTINGS: QuantizeSettings = Object.freeze({
  int8: DEFAULT_STATIC_QUANTIZE_CONFIG,
  // Clean clips until a run shows the augmented ones calibrate better (the int8-augmented-calibration comparison measures it).
  calibrationData: 'training',
  // The target for int8: within 0.3 points of fp32 (about 3 of the 1,080 validation clips).
  maxDrop: 0.3,
  debugSamples: 256,
  compare: DEFAULT_STATIC_COMPARISONS,
  float16: DEFAULT_FLOAT16_CONFIG,
  dynamic: DEFAULT_DYNAMIC_QUANTIZE_CONFIG,
  qat: DEFAULT_QAT_CONFIG,
});

/** The recipe of one comparison: the int8 recipe with its change; a method switch takes that method's defaults. */
export function comparisonConfig(int8: StaticQuantizeConfig, comparison: StaticComparison): StaticQuantizeConfig {
  const { change } = comparison;
  const calibration = change.calibration === undefined ? int8.calibration : change.calibration.method !== undefined && change.calibration.method !== int8.calibration.method ? { samples: int8.calibration.samples, ...change.calibration } : { ...int8.calibration, ...change.calibration };
  return resolveStaticQuantizeConfig({ weights: { ...int8.weights, ...change.weights }, activations: { ...int8.activations, ...change.activations }, calibration });
}

/** Where a comparison's calibration rows come from: its own choice, else the published int8's. */
export function comparisonCalibrationData(settings: Pick<QuantizeSettings, 'calibrationData'>, comparison: StaticComparison): CalibrationData {
  return comparison.calibrationData ?? settings.calibrationData;
}

/** Validate the parts the libs do not: the bound, the sample count, the calibration data and the comparison ids. */
export function checkQuantizeSettings(settings: QuantizeSettings): QuantizeSettings {
  if (settings.maxDrop !== null && (!Number.isFinite(settings.maxDrop) || settings.maxDrop < 0)) {
    throw new ConfigError(`Quantize setting 'maxDrop' must be a number of accuracy points >= 0 (or none); got ${JSON.stringify(settings.maxDrop)}`, 'e.g. --max-drop 0.3');
  }
  if (!Number.isInteger(settings.debugSamples) || settings.debugSamples < 1) {
    throw new ConfigError(`Quantize setting 'debugSamples' must be a positive integer; got ${JSON.stringify(settings.debugSamples)}`);
  }
  if (!CALIBRATION_DATA.includes(settings.calibrationData)) {
    throw new ConfigError(`Quantize setting 'calibrationData' must be one of ${CALIBRATION_DATA.join(', ')}; got ${JSON.stringify(settings.calibrationData)}`, 'e.g. --calibration-data training-augmented');
  }
  for (const c of settings.compare) {
    if (c.calibrationData !== undefined && !CALIBRATION_DATA.includes(c.calibrationData)) {
      throw new ConfigError(`Quantize setting 'compare' variant '${c.id}' has calibrationData ${JSON.stringify(c.calibrationData)}; expected one of ${CALIBRATION_DATA.join(', ')}`);
    }
  }
  const ids = settings.compare.map((c) => c.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) throw new ConfigError(`Quantize setting 'compare' lists variant '${duplicate}' twice`);
  return settings;
}
