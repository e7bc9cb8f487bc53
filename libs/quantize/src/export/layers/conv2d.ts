// Conv2D -> ONNX Conv (NCHW), kernel transposed to OIHW, TF 'same' padding made explicit.

import { intAttr, intsAttr } from '../../onnx/attribute.ts';
import { emitActivation } from '../activation.ts';
import { convKernelToOihw } from '../kernel-layout.ts';
import { imageInput, pair, requireOption, type ExportedValue, type LayerExportContext, type LayerExporter } from '../layer-exporter.ts';
import { toNchw } from '../layout.ts';
import { convPads } from '../same-padding.ts';

/** Emit a Conv node for a tfjs 2-D convolution kernel already in OIHW; shared with DepthwiseConv2D. */
export function emitConv(ctx: LayerExportContext, weightOihw: Float32Array, weightDims: readonly number[], group: number): ExportedValue {
  const { builder: b, config, layerName } = ctx;
  requireOption(ctx, 'dataFormat', config['dataFormat'] === undefined || config['dataFormat'] === 'channelsLast', "'channelsLast'");
  requireOption(ctx, 'padding', config['padding'] === 'same' || config['padding'] === 'valid', "'same', 'valid'");
  const input = toNchw(b, imageInput(ctx), `${layerName}_nchw`);
  const kernel: [number, number] = [weightDims[2] as number, weightDims[3] as number];
  const strides = pair(config['strides'], 1);
  const dilations = pair(config['dilationRate'], 1);
  const pads = convPads(config['padding'] as 'same' | 'valid', [input.shape[0] as number, input.shape[1] as number], kernel, strides, dilations);

  const weight = b.addInitializer({ name: `${layerName}_weight`, dataType: 'float32', dims: weightDims, data: weightOihw });
  const inputs = [input.name, weight];
  let bias: string | undefined;
  if (config['useBias'] !== false && ctx.hasWeight('bias')) {
    bias = b.addInitializer({ name: `${layerName}_bias`, dataType: 'float32', dims: [weightDims[0] as number], data: ctx.weight('bias').data });
    inputs.push(bias);
  }
  // Attributes at their ONNX defaults are left out: in a 20k-parameter model the graph's bytes count.
  const attributes = [
    ...(dilations.some((d) => d !== 1) ? [intsAttr('dilations', dilations)] : []),
    ...(group !== 1 ? [intAttr('group', group)] : []),
    intsAttr('kernel_shape', kernel),
    ...(pads.some((p) => p !== 0) ? [intsAttr('pads', pads)] : []),
    ...(strides.some((s) => s !== 1) ? [intsAttr('strides', strides)] : []),
  ];
  const conv = b.add({ opType: 'Conv', name: layerName, inputs, attributes });
  const activation = config['activation'] ?? 'linear';
  const linear: ExportedValue = { name: conv, shape: ctx.outputShape, layout: 'nchw', ...(activation === 'linear' ? { foldable: { weight, bias, biasInput: 2 } } : {}) };
  return emitActivation(b, linear, activation, `${layerName}_${String(activation)}`, `layer '${layerName}'`);
}

export const conv2dExporter: LayerExporter = {
  className: 'Conv2D',
  export(ctx) {
    const kernel = ctx.weight('kernel');
    const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
    return emitConv(ctx, convKernelToOihw(kernel.data, kernel.shape), [cout, cin, kh, kw], 1);
  },
};
