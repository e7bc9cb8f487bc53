// Activation fake-quant for tfjs: QuantizeLinear -> DequantizeLinear in float, with a straight-through gradient.

import * as tf from '@tensorflow/tfjs';
import { quantRange, type QuantParams, type QuantType } from '../quantize/math/quant-params.ts';

/**
 * DequantizeLinear(QuantizeLinear(x)) as ONNX computes it in float32: q = clamp(round(x / scale) +
 * zeroPoint) over the whole range of `type` (QuantizeLinear saturates to the type, not to the
 * symmetric [-127, 127]), then (q - zeroPoint) * scale. tf.round rounds half to even, as ONNX does,
 * and tf.div/tf.mul are float32 like onnxruntime, so the values match quantizeArray + dequantizeValue.
 *
 * Gradient: straight-through inside the representable interval [(qmin - zp) * scale, (qmax - zp) * scale],
 * zero outside it (the clamp is flat there, and zeroing it teaches the weights to stay in range).
 */
export function fakeQuantize(x: tf.Tensor, params: QuantParams, type: QuantType): tf.Tensor {
  const { qmin, qmax } = quantRange(type, false);
  const lo = (qmin - params.zeroPoint) * params.scale;
  const hi = (qmax - params.zeroPoint) * params.scale;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([t]);
    const q = tf.clipByValue(tf.add(tf.round(tf.div(t, params.scale)), params.zeroPoint), qmin, qmax);
    return {
      value: tf.mul(tf.sub(q, params.zeroPoint), params.scale),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const s = saved[0] as tf.Tensor;
        return tf.mul(dy, tf.cast(tf.logicalAnd(tf.greaterEqual(s, lo), tf.lessEqual(s, hi)), 'float32'));
      },
    };
  });
  return op(x);
}
