// DepthwiseConv2D -> ONNX Conv with group = input channels, kernel [kh, kw, C, M] -> [C*M, 1, kh, kw].

import { depthwiseKernelToOihw } from '../kernel-layout.ts';
import type { LayerExporter } from '../layer-exporter.ts';
import { emitConv } from './conv2d.ts';

export const depthwiseConv2dExporter: LayerExporter = {
  className: 'DepthwiseConv2D',
  export(ctx) {
    const kernel = ctx.weight('depthwise_kernel');
    const [kh, kw, channels, multiplier] = kernel.shape as [number, number, number, number];
    return emitConv(ctx, depthwiseKernelToOihw(kernel.data, kernel.shape), [channels * multiplier, 1, kh, kw], channels);
  },
};
