// DepthwiseConv2dNativeBackpropInput for the wasm backend: a forward depthwise conv of the dilated dy with the flipped filter.

import * as tf from '@tensorflow/tfjs';
import type { DepthwiseGradAttrs } from './conv-attrs.ts';
import { WasmKernelScope, type WasmBackendLike } from './wasm-kernel-calls.ts';

type Attrs = DepthwiseGradAttrs<'inputShape'>;

/**
 * dx[n, h, w, c] = sum over (i, j, m) of dy[n, (h + top - i)/sh, (w + left - j)/sw, c*M + m] * f[i, j, c, m]
 * (terms with non-integer or out-of-range positions vanish). Inserting sh-1 / sw-1 zeros between dy
 * rows/columns makes that a stride-1 correlation with the spatially flipped filter, which the wasm
 * backend's own (XNNPACK) depthwise kernel computes after padding by (fh-1-top, fw-1-left).
 */
export function depthwiseConv2dBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: WasmBackendLike; attrs: Attrs }): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = args.attrs;
  const dil = typeof dilations === 'number' ? [dilations, dilations] : (dilations ?? [1, 1]);
  if (dil[0] !== 1 || dil[1] !== 1) throw new Error(`DepthwiseConv2dNativeBackpropInput (wasm, whittle): dilations must be 1; got ${String(dilations)}`);
  const filterShape = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, strides, 1, pad, dimRoundingMode, true);
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const [n, h, w, c] = inputShape;
  const m = filterShape[3];
  const cm = c * m;
  const scope = new WasmKernelScope(args.backend);

  // Zero insertion: [N, oh, ow, CM] -> [N, oh*sh, ow*sw, CM] with dy values at multiples of the stride.
  const dilated = scope.insertZeros(dy, sh, sw);
  // Pad so a valid stride-1 correlation yields exactly [h, w]; negative amounts crop.
  const { top, left } = info.padInfo;
  const padTop = fh - 1 - top;
  const padLeft = fw - 1 - left;
  const padBottom = h + fh - 1 - padTop - (dilated.shape[1] as number);
  const padRight = w + fw - 1 - padLeft - (dilated.shape[2] as number);
  const padded = scope.padOrCrop(dilated, [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]]);

  const flipped = scope.reshape(scope.run('Reverse', { x: filter }, { dims: [0, 1] }), [fh, fw, cm, 1]);
  let dx = scope.run('DepthwiseConv2dNative', { x: padded, filter: flipped }, { strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC' });
  if (m > 1) dx = scope.run('Sum', { x: scope.reshape(dx, [n, h, w, c, m]) }, { axis: [4], keepDims: false });
  return scope.free(dx);
}

export const DEPTHWISE_CONV2D_BACKPROP_INPUT_WASM: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropInput as unknown as tf.KernelFunc,
};
