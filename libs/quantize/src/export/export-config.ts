// Typed configuration of the tfjs -> ONNX exporter, its frozen default and its validation.

import { ConfigError } from '@whittle/datasets';

/** Opsets the exporter has been checked against (13 gives per-channel QDQ; 17 is onnx 1.12's ceiling). */
export const SUPPORTED_OPSETS = Object.freeze([13, 14, 15, 16, 17] as const);

export interface ExportConfig {
  /** Name of the graph input (float32 [batch, ...the model's input shape]). */
  readonly inputName: string;
  /** Name of the graph output (float32 [batch, ...the model's output shape]). */
  readonly outputName: string;
  readonly opset: number;
  readonly producerName: string;
  readonly producerVersion: string;
  /** Written to ModelProto.metadata_props (provenance: config hash, git commit, ...). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Names follow transformers.js audio-classification models (`input_values` -> `logits`). */
export const DEFAULT_EXPORT_CONFIG: ExportConfig = Object.freeze({
  inputName: 'input_values',
  outputName: 'logits',
  opset: 13,
  producerName: 'whittle',
  producerVersion: '0.1.0',
});

/** ONNX IR version that goes with an opset (onnx/helper.py VERSION_TABLE: opset 13-14 -> 7, 15-17 -> 8). */
export function irVersionForOpset(opset: number): number {
  return opset <= 14 ? 7 : 8;
}

/** Merge `overrides` onto the default and validate; every problem is reported with the value passed. */
export function resolveExportConfig(overrides: Partial<ExportConfig> = {}): ExportConfig {
  const config: ExportConfig = { ...DEFAULT_EXPORT_CONFIG, ...overrides };
  if (!(SUPPORTED_OPSETS as readonly number[]).includes(config.opset)) {
    throw new ConfigError(`Export config 'opset' must be one of ${SUPPORTED_OPSETS.join(', ')}; got ${config.opset}`, 'opset 13 is the default and what quantizeStatic is tested with');
  }
  for (const key of ['inputName', 'outputName', 'producerName'] as const) {
    if (typeof config[key] !== 'string' || config[key].length === 0) throw new ConfigError(`Export config '${key}' must be a non-empty string; got ${JSON.stringify(config[key])}`);
  }
  if (config.inputName === config.outputName) throw new ConfigError(`Export config 'inputName' and 'outputName' must differ; both are '${config.inputName}'`);
  for (const [key, value] of Object.entries(config.metadata ?? {})) {
    if (typeof value !== 'string') throw new ConfigError(`Export config 'metadata.${key}' must be a string; got ${typeof value}`);
  }
  return Object.freeze(config);
}
