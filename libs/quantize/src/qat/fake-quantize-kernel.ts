// Weight fake-quant for tfjs kernels: the int8 weights quantizeStatic will store, dequantized, with any folded batch norm undone.

import { symmetricWeightParams } from '../quantize/math/quant-params.ts';
import { dequantizeValue, quantizeWeights } from '../quantize/math/quantize-values.ts';

/**
 * The kernel a tfjs layer must hold so that its forward pass computes what the exported QDQ graph
 * computes. `kernel` is a tfjs Conv2D [kh, kw, in, out], DepthwiseConv2D [kh, kw, C, M] or Dense
 * [in, out] kernel: in all three the ONNX output channel is the flat index modulo `channels`
 * (out, C*M, units). `foldScales` are the per-channel scales of the batch norms the exporter folds
 * into this layer, in order (each fold is float32(w * scale) in float64, as foldAffine does).
 *
 * The result is DQ(Q(folded)) / product(scales): the following batch norm multiplies the scale back,
 * so conv + BN yields the dequantized folded weights up to float32 rounding. Quantizing the folded
 * kernel (rather than the raw one) is what makes per-tensor granularity right too: per-channel
 * symmetric quantization commutes with a per-channel scale, per-tensor does not.
 * A channel whose fold scale is 0 keeps its raw weights (the batch norm zeroes it either way).
 */
export function fakeQuantizeKernel(kernel: Float32Array, channels: number, foldScales: readonly Float64Array[], granularity: 'per-channel' | 'per-tensor'): Float32Array {
  const folded = Float32Array.from(kernel);
  for (const scale of foldScales) for (let k = 0; k < folded.length; k++) folded[k] = (folded[k] as number) * (scale[k % channels] as number);
  const dims = [folded.length / channels, channels];
  const axis = granularity === 'per-channel' ? 1 : undefined;
  const params = symmetricWeightParams(folded, dims, axis);
  const q = quantizeWeights(folded, dims, axis, params);
  const total = new Float64Array(channels).fill(1);
  for (const scale of foldScales) for (let c = 0; c < channels; c++) total[c] = (total[c] as number) * (scale[c] as number);
  const out = new Float32Array(kernel.length);
  for (let k = 0; k < out.length; k++) {
    const c = k % channels;
    const s = total[c] as number;
    const dq = dequantizeValue(q[k] as number, params[axis === undefined ? 0 : c] as { scale: number; zeroPoint: number });
    out[k] = s === 0 ? (kernel[k] as number) : dq / s;
  }
  return out;
}
