// Typed configuration of static post-training quantization (QDQ), its frozen default and its validation.

import { ConfigError } from '@whittle/datasets';
import { oneOf } from '../config/one-of.ts';

/** Integer types ONNX QuantizeLinear (opset 13) produces. */
export type ActivationType = 'int8' | 'uint8';

/** Min/max: the range of everything seen. Exact on the calibration set, but one outlier stretches the scale. */
export interface MinMaxCalibrationConfig {
  readonly method: 'minmax';
  /** How many calibration inputs the caller should feed collectRanges / collectMinMax. */
  readonly samples: number;
}

/** Percentile: clip the rarest (100 - percentile)% of values (split over both tails for signed tensors). */
export interface PercentileCalibrationConfig {
  readonly method: 'percentile';
  readonly samples: number;
  /** Share of values kept inside the range, in percent: 50 < percentile <= 100 (100 is min/max up to histogram resolution). */
  readonly percentile: number;
}

/** Entropy: the clipping threshold of |x| that minimises KL(P||Q) between the histogram and its quantized copy (TensorRT). */
export interface EntropyCalibrationConfig {
  readonly method: 'entropy';
  readonly samples: number;
  /** Histogram bins over [0, max |x|]; the candidate thresholds are its bin edges. */
  readonly bins: number;
  /** Quantized levels the KL search merges a candidate range into (onnxruntime and TensorRT use 128). */
  readonly targetBins: number;
}

/** How activation ranges are calibrated: a closed set, one entry per calibrator in registry.ts. */
export type CalibrationConfig = MinMaxCalibrationConfig | PercentileCalibrationConfig | EntropyCalibrationConfig;
export type CalibrationMethod = CalibrationConfig['method'];

/** Each method's defaults, filled in when a config switches to it. */
export const DEFAULT_CALIBRATION_CONFIGS: { readonly [M in CalibrationMethod]: Extract<CalibrationConfig, { method: M }> } = Object.freeze({
  minmax: Object.freeze({ method: 'minmax', samples: 512 }),
  // onnxruntime's default percentile: 1 value in 10,000 clipped.
  percentile: Object.freeze({ method: 'percentile', samples: 512, percentile: 99.99 }),
  // onnxruntime's CalibrationMethod.Entropy defaults (num_bins 2048 in its collector here, num_quantized_bins 128).
  entropy: Object.freeze({ method: 'entropy', samples: 512, bins: 2048, targetBins: 128 }),
});

/** Static PTQ: weights quantized offline, activation ranges calibrated on sample inputs. */
export interface StaticQuantizeConfig {
  readonly mode: 'static';
  readonly weights: {
    readonly type: 'int8';
    /** 'per-channel': one scale per output channel (axis 0 of Conv [O, I, kh, kw] and Gemm [out, in]). */
    readonly granularity: 'per-channel' | 'per-tensor';
    /** Zero point 0 and range [-127, 127], as onnxruntime's int8 kernels expect of weights. */
    readonly symmetric: true;
  };
  readonly activations: {
    readonly type: ActivationType;
    /** Asymmetric ranges spend all 256 levels on [min, max]; symmetric ones center on 0 (wastes half after ReLU). */
    readonly symmetric: boolean;
  };
  readonly calibration: CalibrationConfig;
}

/**
 * onnxruntime's recommended CPU recipe: per-channel symmetric int8 weights, asymmetric int8
 * activations (so ReLU outputs get zero point -128 and onnxruntime folds the ReLU into the
 * quantizer), min/max calibration (percentile and entropy are opt-in: see CalibrationConfig).
 */
export const DEFAULT_STATIC_QUANTIZE_CONFIG: StaticQuantizeConfig = Object.freeze({
  mode: 'static',
  weights: Object.freeze({ type: 'int8', granularity: 'per-channel', symmetric: true }),
  activations: Object.freeze({ type: 'int8', symmetric: false }),
  calibration: DEFAULT_CALIBRATION_CONFIGS.minmax,
});

/** What callers may pass: any part of the config; the rest comes from the default. */
export interface StaticQuantizeConfigInput {
  readonly mode?: 'static';
  readonly weights?: Partial<StaticQuantizeConfig['weights']>;
  readonly activations?: Partial<StaticQuantizeConfig['activations']>;
  readonly calibration?: CalibrationConfigInput;
}

/**
 * What callers may pass for `calibration`: any fields; a `method` other than the default's brings
 * that method's defaults along (samples still default to the default config's).
 */
export interface CalibrationConfigInput {
  readonly method?: CalibrationMethod;
  readonly samples?: number;
  readonly percentile?: number;
  readonly bins?: number;
  readonly targetBins?: number;
}

function integerIn(field: string, value: unknown, min: number, max: number, hint?: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`Quantize config '${field}' must be an integer in [${min}, ${max}]; got ${JSON.stringify(value)}`, hint);
  }
}

/** Fields that belong to some calibration method; a field given for another method is an error, not silently dropped. */
const METHOD_FIELDS: Readonly<Record<string, CalibrationMethod>> = Object.freeze({ percentile: 'percentile', bins: 'entropy', targetBins: 'entropy' });

/**
 * Merge a calibration input onto `base` (the same method) or onto the defaults of the method it
 * switches to, and validate.
 *
 * @example
 * resolveCalibrationConfig({ method: 'percentile' }); // { method: 'percentile', samples: 512, percentile: 99.99 }
 */
export function resolveCalibrationConfig(input: CalibrationConfigInput = {}, base: CalibrationConfig = DEFAULT_STATIC_QUANTIZE_CONFIG.calibration): CalibrationConfig {
  const method = input.method ?? base.method;
  oneOf('Quantize config', 'calibration.method', method, Object.keys(DEFAULT_CALIBRATION_CONFIGS));
  const start: CalibrationConfig = method === base.method ? base : { ...DEFAULT_CALIBRATION_CONFIGS[method], samples: base.samples };
  const known = ['method', 'samples', ...Object.keys(METHOD_FIELDS)];
  for (const field of Object.keys(input)) {
    if (!known.includes(field)) throw new ConfigError(`Quantize config 'calibration.${field}' is not a calibration setting; allowed: ${known.join(', ')}`);
  }
  for (const [field, owner] of Object.entries(METHOD_FIELDS)) {
    const value = (input as Record<string, unknown>)[field];
    if (value !== undefined && owner !== method) {
      throw new ConfigError(`Quantize config 'calibration.${field}' is only used by method "${owner}"; got it with method "${method}"`, `set calibration.method to "${owner}" or drop '${field}'`);
    }
  }
  const config = { ...start, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as CalibrationConfig;
  const { samples } = config;
  if (!Number.isInteger(samples) || samples < 1) {
    throw new ConfigError(`Quantize config 'calibration.samples' must be a positive integer; got ${JSON.stringify(samples)}`, 'a few hundred representative inputs is typical');
  }
  if (config.method === 'percentile') {
    const p = config.percentile;
    if (typeof p !== 'number' || !(p > 50 && p <= 100)) {
      throw new ConfigError(`Quantize config 'calibration.percentile' must be a number with 50 < percentile <= 100; got ${JSON.stringify(p)}`, 'typical values are 99.9 to 99.999 (percent of values kept)');
    }
  }
  if (config.method === 'entropy') {
    integerIn('calibration.targetBins', config.targetBins, 2, 65536, '128 (the positive half of int8) is what onnxruntime and TensorRT use');
    integerIn('calibration.bins', config.bins, config.targetBins, 1 << 20, 'bins must be at least targetBins; 2048 is typical');
  }
  return Object.freeze(config);
}

/** Merge `input` onto the default and validate; errors name the field, the allowed values and what was passed. */
export function resolveStaticQuantizeConfig(input: StaticQuantizeConfigInput = {}): StaticQuantizeConfig {
  const d = DEFAULT_STATIC_QUANTIZE_CONFIG;
  const config = {
    mode: input.mode ?? d.mode,
    weights: { ...d.weights, ...input.weights },
    activations: { ...d.activations, ...input.activations },
  };
  oneOf('Quantize config', 'mode', config.mode, ['static']);
  oneOf('Quantize config', 'weights.type', config.weights.type, ['int8']);
  oneOf('Quantize config', 'weights.granularity', config.weights.granularity, ['per-channel', 'per-tensor']);
  oneOf('Quantize config', 'weights.symmetric', config.weights.symmetric, [true]);
  oneOf('Quantize config', 'activations.type', config.activations.type, ['int8', 'uint8']);
  oneOf('Quantize config', 'activations.symmetric', config.activations.symmetric, [true, false]);
  const calibration = resolveCalibrationConfig(input.calibration, d.calibration);
  return Object.freeze({
    mode: config.mode,
    weights: Object.freeze(config.weights),
    activations: Object.freeze(config.activations),
    calibration,
  }) as StaticQuantizeConfig;
}
