// Typed configuration of quantization-aware fine-tuning, its frozen default and its validation.

import { ConfigError } from '@whittle/datasets';
import { DEFAULT_STATIC_QUANTIZE_CONFIG, resolveStaticQuantizeConfig, type StaticQuantizeConfig, type StaticQuantizeConfigInput } from '../quantize/static-quantize-config.ts';

/** QAT: a few epochs of fine-tuning through the fake-quant of exactly the static QDQ graph `quantize` describes. */
export interface QatConfig {
  readonly epochs: number;
  readonly batchSize: number;
  /** Adam step size; small, because training starts from converged fp32 weights. */
  readonly learningRate: number;
  /** Seeds the shuffles and the choice of calibration rows. */
  readonly seed: number;
  /** The static quantization the fine-tuned model will be exported with (weights, activations, calibration samples). */
  readonly quantize: StaticQuantizeConfig;
}

/** Two epochs of Adam at 1e-4, batch 64, onnxruntime's static int8 recipe. */
export const DEFAULT_QAT_CONFIG: QatConfig = Object.freeze({
  epochs: 2,
  batchSize: 64,
  learningRate: 1e-4,
  seed: 42,
  quantize: DEFAULT_STATIC_QUANTIZE_CONFIG,
});

/** What callers may pass: any field; `quantize` is merged field by field onto the static default. */
export interface QatConfigInput {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly seed?: number;
  readonly quantize?: StaticQuantizeConfigInput;
}

function positiveInteger(field: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 1) throw new ConfigError(`QAT config '${field}' must be a positive integer; got ${JSON.stringify(value)}`);
}

/** Merge `input` onto the default and validate; errors name the field, what is allowed and what was passed. */
export function resolveQatConfig(input: QatConfigInput = {}): QatConfig {
  const d = DEFAULT_QAT_CONFIG;
  const config = {
    epochs: input.epochs ?? d.epochs,
    batchSize: input.batchSize ?? d.batchSize,
    learningRate: input.learningRate ?? d.learningRate,
    seed: input.seed ?? d.seed,
    quantize: resolveStaticQuantizeConfig(input.quantize ?? d.quantize),
  };
  positiveInteger('epochs', config.epochs);
  positiveInteger('batchSize', config.batchSize);
  if (typeof config.learningRate !== 'number' || !Number.isFinite(config.learningRate) || config.learningRate <= 0) {
    throw new ConfigError(`QAT config 'learningRate' must be a finite number > 0; got ${JSON.stringify(config.learningRate)}`, 'about 1e-4: the weights start converged');
  }
  if (!Number.isInteger(config.seed)) throw new ConfigError(`QAT config 'seed' must be an integer; got ${JSON.stringify(config.seed)}`);
  return Object.freeze(config);
}
