// Typed configuration of static post-training quantization (QDQ), its frozen default and its validation.

import { ConfigError } from '@whittle/datasets';

/** Integer types ONNX QuantizeLinear (opset 13) produces. */
export type ActivationType = 'int8' | 'uint8';

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
  readonly calibration: {
    readonly method: 'minmax';
    /** How many calibration inputs the caller should feed collectMinMax. */
    readonly samples: number;
  };
}

/**
 * onnxruntime's recommended CPU recipe: per-channel symmetric int8 weights, asymmetric int8
 * activations (so ReLU outputs get zero point -128 and onnxruntime folds the ReLU into the
 * quantizer), min/max calibration.
 */
export const DEFAULT_STATIC_QUANTIZE_CONFIG: StaticQuantizeConfig = Object.freeze({
  mode: 'static',
  weights: Object.freeze({ type: 'int8', granularity: 'per-channel', symmetric: true }),
  activations: Object.freeze({ type: 'int8', symmetric: false }),
  calibration: Object.freeze({ method: 'minmax', samples: 512 }),
});

/** What callers may pass: any part of the config; the rest comes from the default. */
export interface StaticQuantizeConfigInput {
  readonly mode?: 'static';
  readonly weights?: Partial<StaticQuantizeConfig['weights']>;
  readonly activations?: Partial<StaticQuantizeConfig['activations']>;
  readonly calibration?: Partial<StaticQuantizeConfig['calibration']>;
}

function oneOf(field: string, value: unknown, allowed: readonly unknown[]): void {
  if (!allowed.includes(value)) {
    throw new ConfigError(`Quantize config '${field}' must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')}; got ${JSON.stringify(value)}`);
  }
}

/** Merge `input` onto the default and validate; errors name the field, the allowed values and what was passed. */
export function resolveStaticQuantizeConfig(input: StaticQuantizeConfigInput = {}): StaticQuantizeConfig {
  const d = DEFAULT_STATIC_QUANTIZE_CONFIG;
  const config = {
    mode: input.mode ?? d.mode,
    weights: { ...d.weights, ...input.weights },
    activations: { ...d.activations, ...input.activations },
    calibration: { ...d.calibration, ...input.calibration },
  };
  oneOf('mode', config.mode, ['static']);
  oneOf('weights.type', config.weights.type, ['int8']);
  oneOf('weights.granularity', config.weights.granularity, ['per-channel', 'per-tensor']);
  oneOf('weights.symmetric', config.weights.symmetric, [true]);
  oneOf('activations.type', config.activations.type, ['int8', 'uint8']);
  oneOf('activations.symmetric', config.activations.symmetric, [true, false]);
  oneOf('calibration.method', config.calibration.method, ['minmax']);
  const { samples } = config.calibration;
  if (!Number.isInteger(samples) || samples < 1) {
    throw new ConfigError(`Quantize config 'calibration.samples' must be a positive integer; got ${JSON.stringify(samples)}`, 'a few hundred representative inputs is typical');
  }
  return Object.freeze({
    mode: config.mode,
    weights: Object.freeze(config.weights),
    activations: Object.freeze(config.activations),
    calibration: Object.freeze(config.calibration),
  }) as StaticQuantizeConfig;
}
