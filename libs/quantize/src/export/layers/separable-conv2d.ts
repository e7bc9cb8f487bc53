// SeparableConv2D -> depthwise Conv (group = C, no bias) then pointwise 1x1 Conv with the bias, as tf.separableConv2d computes it.

import { convKernelToOihw, depthwiseKernelToOihw } from '../kernel-layout.ts';
import type { LayerExporter } from '../layer-exporter.ts';
import { convInput, emitConvNode, layerBias, POINTWISE, withLayerActivation } from './conv2d.ts';

export const separableConv2dExporter: LayerExporter = {
  className: 'SeparableConv2D',
  export(ctx) {
    const { builder: b, layerName, outputShape } = ctx;
    const depthwise = ctx.weight('depthwise_kernel');
    const pointwise = ctx.weight('pointwise_kernel');
    const [kh, kw, channels, multiplier] = depthwise.shape as [number, number, number, number];
    const [, , mid, filters] = pointwise.shape as [number, number, number, number];
    const { input, geometry } = convInput(ctx, [kh, kw]);
    // Strides, dilation and padding belong to the depthwise step; the pointwise one sees its output 1:1.
    const spread = emitConvNode(
      b,
      input,
      `${layerName}_depthwise`,
      { data: depthwiseKernelToOihw(depthwise.data, depthwise.shape), dims: [channels * multiplier, 1, kh, kw] },
      undefined,
      channels,
      geometry,
      [outputShape[0] as number, outputShape[1] as number, channels * multiplier],
    );
    // The depthwise output is read only by the pointwise Conv: drop `foldable` so nothing rescales it.
    const mixed = emitConvNode(
      b,
      { name: spread.name, shape: spread.shape, layout: 'nchw' },
      layerName,
      { data: convKernelToOihw(pointwise.data, pointwise.shape), dims: [filters, mid, 1, 1] },
      layerBias(ctx),
      1,
      POINTWISE,
      outputShape,
    );
    return withLayerActivation(ctx, mixed);
  },
};
