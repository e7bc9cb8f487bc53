// Scale and zero-point arithmetic for linear quantization: q = clamp(round(x / scale) + zeroPoint, qmin, qmax).

import type { ActivationType } from '../static-quantize-config.ts';
import type { TensorRange } from '../tensor-ranges.ts';
import { roundHalfToEven } from './round-half-to-even.ts';

export type QuantType = ActivationType;

/** Scale (stored as float32) and integer zero point of one tensor or one channel. */
export interface QuantParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/**
 * Integer range of a type. Symmetric int8 drops -128 so that +-absmax both fit and the zero point
 * stays exactly 0 (onnxruntime's quantizer uses [-127, 127] for symmetric int8 too).
 */
export function quantRange(type: QuantType, symmetric: boolean): { qmin: number; qmax: number } {
  if (type === 'uint8') return { qmin: 0, qmax: 255 };
  return symmetric ? { qmin: -127, qmax: 127 } : { qmin: -128, qmax: 127 };
}

/**
 * Params for an activation range. The range is first widened to include 0 so that 0 (padding,
 * ReLU's floor) is exactly representable. Asymmetric: scale = (max - min) / (qmax - qmin),
 * zeroPoint = round(qmin - min / scale). Symmetric: the range becomes [-absmax, absmax] with the
 * zero point at the middle of the type (0 for int8, 128 for uint8).
 * A range of all zeros gets scale 1 so that dequantization never divides by zero.
 */
export function activationParams(range: TensorRange, type: QuantType, symmetric: boolean): QuantParams {
  let min = Math.min(range.min, 0);
  let max = Math.max(range.max, 0);
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError(`activation range must be finite; got [${range.min}, ${range.max}]`);
  const { qmin, qmax } = quantRange(type, symmetric);
  if (symmetric) {
    const absmax = Math.max(-min, max);
    min = -absmax;
    max = absmax;
  }
  const scale = Math.fround((max - min) / (qmax - qmin));
  if (scale === 0) return { scale: 1, zeroPoint: symmetric ? (type === 'uint8' ? 128 : 0) : qmin };
  if (symmetric) return { scale, zeroPoint: type === 'uint8' ? 128 : 0 };
  const zeroPoint = Math.min(qmax, Math.max(qmin, roundHalfToEven(qmin - min / scale)));
  return { scale, zeroPoint };
}

/** Maps a flat element index of a tensor with `dims` to its index along `axis` (always 0 when axis is undefined). */
export function channelIndexer(dims: readonly number[], axis: number | undefined): (k: number) => number {
  if (axis === undefined) return () => 0;
  const size = dims[axis] as number;
  const stride = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  return (k) => Math.floor(k / stride) % size;
}

/**
 * Symmetric int8 weight params: one per index along `axis` (per-channel), or one for the whole
 * tensor when `axis` is undefined. scale = absmax / 127, zero point 0; all-zero channels get scale 1.
 */
export function symmetricWeightParams(weights: Float32Array, dims: readonly number[], axis: number | undefined): QuantParams[] {
  const channels = axis === undefined ? 1 : (dims[axis] as number);
  const channelOf = channelIndexer(dims, axis);
  const absmax = new Float64Array(channels);
  for (let k = 0; k < weights.length; k++) {
    const c = channelOf(k);
    absmax[c] = Math.max(absmax[c] as number, Math.abs(weights[k] as number));
  }
  const { qmax } = quantRange('int8', true);
  return Array.from(absmax, (m) => ({ scale: m === 0 ? 1 : Math.fround(m / qmax), zeroPoint: 0 }));
}

/** Bias scale of a channel: input scale x weight scale (int32 bias then adds straight into the int32 accumulator). */
export function biasScale(inputScale: number, weightScale: number): number {
  return Math.fround(inputScale * weightScale);
}
