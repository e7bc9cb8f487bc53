// Float -> integer conversion exactly as ONNX QuantizeLinear defines it, for weights, biases and tests.

import { channelIndexer, quantRange, type QuantParams, type QuantType } from './quant-params.ts';
import { roundHalfToEven } from './round-half-to-even.ts';

/**
 * QuantizeLinear of one value: saturate(roundHalfToEven(x / scale) + zeroPoint). The division is done
 * in float32, as onnxruntime does, so results agree bit for bit at rounding boundaries.
 */
export function quantizeValue(x: number, params: QuantParams, qmin: number, qmax: number): number {
  const q = roundHalfToEven(Math.fround(x / params.scale)) + params.zeroPoint;
  return Math.min(qmax, Math.max(qmin, q));
}

/** QuantizeLinear over an array with one set of params (full range of `type`, as the ONNX op saturates). */
export function quantizeArray(values: ArrayLike<number>, params: QuantParams, type: QuantType): Int8Array | Uint8Array {
  const { qmin, qmax } = quantRange(type, false);
  const out = type === 'int8' ? new Int8Array(values.length) : new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = quantizeValue(values[i] as number, params, qmin, qmax);
  return out;
}

/** Symmetric int8 weights: element k uses the params of its index along `axis` (params[0] when per-tensor); saturates to [-127, 127]. */
export function quantizeWeights(weights: Float32Array, dims: readonly number[], axis: number | undefined, params: readonly QuantParams[]): Int8Array {
  const channelOf = channelIndexer(dims, axis);
  const { qmin, qmax } = quantRange('int8', true);
  const out = new Int8Array(weights.length);
  for (let k = 0; k < weights.length; k++) out[k] = quantizeValue(weights[k] as number, params[channelOf(k)] as QuantParams, qmin, qmax);
  return out;
}

/** int32 biases with per-channel scales and zero point 0 (divided in float64: int32 has more precision than float32). */
export function quantizeBias(bias: Float32Array, scales: readonly number[]): Int32Array {
  const out = new Int32Array(bias.length);
  const per = bias.length / scales.length;
  for (let c = 0; c < bias.length; c++) {
    const q = roundHalfToEven((bias[c] as number) / (scales[Math.floor(c / per)] as number));
    out[c] = Math.min(2 ** 31 - 1, Math.max(-(2 ** 31), q));
  }
  return out;
}

/** DequantizeLinear of one value: (q - zeroPoint) * scale. */
export function dequantizeValue(q: number, params: QuantParams): number {
  return Math.fround((q - params.zeroPoint) * params.scale);
}
