// Typed configuration of fp16 conversion (onnx/model_fp16.onnx), its frozen default and its validation.

import { oneOf } from '../config/one-of.ts';

/** fp16 mode: weights and compute in float16. */
export interface Float16Config {
  readonly mode: 'float16';
  /**
   * true: graph inputs and outputs stay float32 (a Cast after each input, one before each output),
   * so the file is a drop-in replacement for model.onnx. false: they become float16 too.
   */
  readonly keepIoTypes: boolean;
  /**
   * What to do with a finite float32 weight beyond ±65504, the float16 range. 'error' (default) stops
   * and names the tensor: a weight that large usually means a broken model, and IEEE conversion would
   * make it ±Infinity. 'clamp' writes ±65504 instead, for constants that only mean "very large"
   * (Clip bounds, -1e9 masks), where the clamped value keeps the intent; the count goes in the metadata.
   */
  readonly overflow: 'error' | 'clamp';
}

export const DEFAULT_FLOAT16_CONFIG: Float16Config = Object.freeze({ mode: 'float16', keepIoTypes: true, overflow: 'error' });

/** Merge `input` onto the default and validate; errors name the field, the allowed values and what was passed. */
export function resolveFloat16Config(input: Partial<Float16Config> = {}): Float16Config {
  const config = { ...DEFAULT_FLOAT16_CONFIG, ...input };
  oneOf('Float16 config', 'mode', config.mode, ['float16']);
  oneOf('Float16 config', 'keepIoTypes', config.keepIoTypes, [true, false]);
  oneOf('Float16 config', 'overflow', config.overflow, ['error', 'clamp']);
  return Object.freeze(config);
}
