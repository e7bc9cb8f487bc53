// Typed configuration of dynamic int8 quantization (int8 weights, activations quantized at run time), its default and validation.

import { ConfigError } from '@whittle/datasets';
import { oneOf } from '../config/one-of.ts';

/** Ops with a constant weight that dynamic quantization rewrites to MatMulInteger; Conv is not one of them (see quantizeDynamic). */
export type DynamicQuantizeOp = 'Gemm' | 'MatMul';

/** Every op quantizeDynamic knows how to rewrite, in the order its errors list them. */
export const DYNAMIC_QUANTIZE_OPS: readonly DynamicQuantizeOp[] = Object.freeze(['Gemm', 'MatMul']);

/**
 * Dynamic PTQ: weights stored as int8 offline; each activation is quantized to uint8 by
 * DynamicQuantizeLinear from its own min/max at run time, so there is no calibration step.
 */
export interface DynamicQuantizeConfig {
  readonly mode: 'dynamic';
  readonly weights: {
    readonly type: 'int8';
    /**
     * 'per-channel': one scale per output column of the [in, out] weight MatMulInteger reads (per output
     * unit of the dense layer); 'per-tensor': one scale for the whole weight. Same words as the static config.
     */
    readonly granularity: 'per-channel' | 'per-tensor';
    /** Zero point 0 and range [-127, 127]: MatMulInteger then needs no weight zero point input. */
    readonly symmetric: true;
  };
  /** DynamicQuantizeLinear (ai.onnx) only produces uint8; spelled out so the artifact's config says what runs. */
  readonly activations: { readonly type: 'uint8' };
  /** Which ops to rewrite; nodes of other types are left in float. */
  readonly ops: readonly DynamicQuantizeOp[];
}

/** Per-channel symmetric int8 weights on every Gemm and MatMul (what onnxruntime's quantize_dynamic does for dense layers). */
export const DEFAULT_DYNAMIC_QUANTIZE_CONFIG: DynamicQuantizeConfig = Object.freeze({
  mode: 'dynamic',
  weights: Object.freeze({ type: 'int8', granularity: 'per-channel', symmetric: true }),
  activations: Object.freeze({ type: 'uint8' }),
  ops: DYNAMIC_QUANTIZE_OPS,
});

/** What callers may pass: any part of the config; the rest comes from the default. */
export interface DynamicQuantizeConfigInput {
  readonly mode?: 'dynamic';
  readonly weights?: Partial<DynamicQuantizeConfig['weights']>;
  readonly activations?: Partial<DynamicQuantizeConfig['activations']>;
  readonly ops?: readonly DynamicQuantizeOp[];
}

/** Merge `input` onto the default and validate; errors name the field, the allowed values and what was passed. */
export function resolveDynamicQuantizeConfig(input: DynamicQuantizeConfigInput = {}): DynamicQuantizeConfig {
  const d = DEFAULT_DYNAMIC_QUANTIZE_CONFIG;
  const config = {
    mode: input.mode ?? d.mode,
    weights: { ...d.weights, ...input.weights },
    activations: { ...d.activations, ...input.activations },
    ops: input.ops ?? d.ops,
  };
  oneOf('Dynamic quantize config', 'mode', config.mode, ['dynamic']);
  oneOf('Dynamic quantize config', 'weights.type', config.weights.type, ['int8']);
  oneOf('Dynamic quantize config', 'weights.granularity', config.weights.granularity, ['per-channel', 'per-tensor']);
  oneOf('Dynamic quantize config', 'weights.symmetric', config.weights.symmetric, [true]);
  oneOf('Dynamic quantize config', 'activations.type', config.activations.type, ['uint8'], 'DynamicQuantizeLinear only produces uint8; use quantizeStatic for int8 activations');
  if (!Array.isArray(config.ops) || config.ops.length === 0) {
    throw new ConfigError(`Dynamic quantize config 'ops' must be a non-empty list of ${DYNAMIC_QUANTIZE_OPS.map((o) => JSON.stringify(o)).join(', ')}; got ${JSON.stringify(config.ops)}`);
  }
  config.ops.forEach((op, i) => oneOf('Dynamic quantize config', `ops[${i}]`, op, DYNAMIC_QUANTIZE_OPS, (op as string) === 'Conv' ? 'Conv stays float in dynamic mode; use quantizeStatic to quantize convolutions' : undefined));
  if (new Set(config.ops).size !== config.ops.length) {
    throw new ConfigError(`Dynamic quantize config 'ops' must not repeat an op; got ${JSON.stringify(config.ops)}`);
  }
  return Object.freeze({
    mode: config.mode,
    weights: Object.freeze(config.weights),
    activations: Object.freeze(config.activations),
    ops: Object.freeze([...config.ops]),
  }) as DynamicQuantizeConfig;
}
